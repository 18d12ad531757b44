"""Make the check questions of every published lesson (or one) from its material, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lessons.models import Lesson
from practice.services.generated import lesson_checks_generate


class Command(BaseCommand):
    help = "Generate check questions from the material of published lessons whose material changed (or that have none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lesson", metavar="SLUG", help="only this lesson")

    def handle(self, *args: Any, **options: Any) -> None:
        lessons = Lesson.objects.published().order_by("pk")
        if options["lesson"]:
            lessons = lessons.filter(slug=options["lesson"])
            if not lessons.exists():
                raise CommandError(f"No published lesson {options['lesson']!r}.")
        ids = list(lessons.values_list("pk", flat=True))
        stored = sum(lesson_checks_generate(lesson_id=lesson_id) for lesson_id in ids)
        self.stdout.write(f"Check questions: {stored} generated over {len(ids)} published lessons.")

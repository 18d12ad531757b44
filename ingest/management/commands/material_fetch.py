"""manage.py material_fetch: fetch lessons' captions, transcripts and article text now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.selectors import lessons_missing_transcript, material_fetch_lines
from ingest.services import material_fetch_request, materials_fetch_now
from lessons.models import Lesson


class Command(BaseCommand):
    help = (
        "Fetch material now, in this process: a YouTube video's captions (with its chapters and duration), an "
        "article's text, the transcript its feed named; what is found fills what the lesson lacks. --lesson SLUG for "
        "one lesson, --missing for every published lesson without a transcript. Prints one line per lesson."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lesson", default="", metavar="SLUG", help="Only this lesson (any status).")
        parser.add_argument("--missing", action="store_true", help="Every published lesson that has no transcript yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["lesson"]) == bool(options["missing"]):
            raise CommandError("Say which lessons: --lesson SLUG or --missing.")
        if options["lesson"]:
            lessons = list(Lesson.objects.filter(slug=options["lesson"]))
            if not lessons:
                raise CommandError(f"No lesson has the slug {options['lesson']!r}.")
        else:
            lessons = list(lessons_missing_transcript())
        asked = material_fetch_request(lessons=lessons)
        materials_fetch_now(fetch_ids=[entry.fetch_id for entry in asked if entry.fetch_id and not entry.note])
        for line in material_fetch_lines(asked=asked):
            self.stdout.write(line)

"""Add the demo check questions to the demo lessons (after load_demo); safe to run twice."""

from django.core.management.base import BaseCommand
from django.db import transaction

from gamification.demo_questions import DEMO_QUESTIONS
from gamification.models import CheckChoice, CheckQuestion
from lessons.models import Lesson


class Command(BaseCommand):
    help = "Add check questions to the demo lessons so a learner can complete one by answering."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        lessons = Lesson.objects.in_bulk([q.lesson_slug for q in DEMO_QUESTIONS], field_name="slug")
        added = 0
        for position, demo in enumerate(DEMO_QUESTIONS):
            lesson = lessons.get(demo.lesson_slug)
            if lesson is None:
                self.stderr.write(f"Skipped a question: no lesson {demo.lesson_slug!r} (run load_demo first).")
                continue
            question, created = CheckQuestion.objects.get_or_create(
                lesson=lesson, prompt=demo.prompt, defaults={"position": position}
            )
            if created:
                CheckChoice.objects.bulk_create(
                    CheckChoice(
                        question=question,
                        text=choice.text,
                        is_correct=choice.correct,
                        explanation=choice.explanation,
                        position=index,
                    )
                    for index, choice in enumerate(demo.choices)
                )
                added += 1
        self.stdout.write(f"Demo check questions: {added} added, {len(DEMO_QUESTIONS) - added} already there.")

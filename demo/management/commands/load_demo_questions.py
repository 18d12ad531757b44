"""Add the demo check questions to the demo lessons (after load_demo); safe to run twice."""

from django.core.management.base import BaseCommand

from demo.load import demo_questions_load


class Command(BaseCommand):
    help = "Add check questions to the demo lessons so a learner can complete one by answering."

    def handle(self, *args: object, **options: object) -> None:
        loaded = demo_questions_load()
        for slug in loaded.skipped_slugs:
            self.stderr.write(f"Skipped a question: no lesson {slug!r} (run load_demo first).")
        self.stdout.write(f"Demo check questions: {loaded.added} added, {loaded.already_there} already there.")

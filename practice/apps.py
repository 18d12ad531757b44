"""App config for practice: check questions, a learner's answers, review cards scheduled by FSRS, and mastery."""

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        # A lesson published, or its material changed (chapters, transcript, a curator's edit, a regeneration):
        # its check questions are made again in the worker, after the commit (lessons/material_changes.py).
        from lessons.material_changes import lesson_material_listen
        from practice.tasks import lessons_checks_enqueue

        lesson_material_listen(lessons_checks_enqueue)

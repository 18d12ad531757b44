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
        checks_connect()


def checks_connect() -> None:
    """Gamification sits below practice and never imports it: tell it how a learner stands on a lesson's check
    questions (completion), which answers were right at the first try (badges), and where the questions show (the
    completion block)."""
    from gamification.lesson_checks import lesson_checks_connect
    from practice.selectors import checks_right_first_time, lesson_checks_state

    lesson_checks_connect(
        app="practice",
        reader=lambda user, lesson: lesson_checks_state(user=user, lesson=lesson),
        right_first_time=checks_right_first_time,
        part_template="practice/_lesson_checks.html",
    )

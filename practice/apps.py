"""App config for practice: check questions, a learner's answers, review cards scheduled by FSRS, and mastery."""

from typing import Any

from django.apps import AppConfig, apps


def _lesson_completed(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from practice.services.terms import term_cards_create_on_commit

        term_cards_create_on_commit(user_id=instance.user_id, lesson_id=instance.lesson_id)


def _lesson_unlocked(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from practice.services.terms import term_cards_create_on_commit

        term_cards_create_on_commit(user_id=instance.user_id, lesson_id=instance.lesson_id)


def reviews_connect() -> None:
    """Key-term cards follow a lesson's completion (gamification) and its unlock (the tutor): both apps sit below
    practice and know nothing of it, so practice listens to their rows being created. /me/ gets practice's part (the
    skill profile and what is due) through gamification's profile parts."""
    from django.db.models.signals import post_save

    if apps.is_installed("gamification"):
        from gamification.models import LessonCompletion
        from gamification.profile_parts import profile_part_add

        post_save.connect(_lesson_completed, sender=LessonCompletion, dispatch_uid="practice_term_cards_completion")
        profile_part_add(app="practice", template_name="practice/_me_reviews.html")
    if apps.is_installed("tutor"):
        from tutor.models import Unlock

        post_save.connect(_lesson_unlocked, sender=Unlock, dispatch_uid="practice_term_cards_unlock")


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
        reviews_connect()


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

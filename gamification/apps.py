"""App config for gamification: XP, levels, daily goals and streaks, badges and weekly leagues."""

from django.apps import AppConfig
from django.urls import reverse

from credits.references import reference_link_add
from gamification.references import LESSON_PREFIX
from lessons.slots import lesson_slot_fill


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        # Checking and completing the lesson, at the end of the lesson page's main column.
        lesson_slot_fill("after_chapters", app=self.name, template_name="gamification/_lesson_complete.html")
        from gamification import welcome

        welcome.connect()
        # The statement links a lesson's rewards to the lesson.
        reference_link_add(prefix=LESSON_PREFIX, url_for=lambda rest: reverse("lessons:by_id", args=[int(rest)]))

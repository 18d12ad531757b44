"""App config for the catalog: lessons, courses, chapters, progress and their curation."""

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons and courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lessons.cache import invalidation_connect

        invalidation_connect()

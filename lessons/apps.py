"""App config for the catalog: lessons, courses, chapters, progress and their curation."""

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons and courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from lessons.cache import invalidation_connect

        invalidation_connect()
        # SQLite's search index: its triggers are lost whenever a migration rebuilds the lessons table.
        post_migrate.connect(_search_index_ensure, sender=self, dispatch_uid="lessons.search_index_ensure")


def _search_index_ensure(using: str, **kwargs: object) -> None:
    from django.db import connections

    from lessons.search_sqlite import sqlite_search_index_ensure

    sqlite_search_index_ensure(connections[using])

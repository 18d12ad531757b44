"""The project's own app: the local folders it writes to, and the checks that tie settings together."""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def local_folders_create() -> None:
    """Folders the embedded defaults write to: the SQLite file's folder and the static root (whitenoise warns on
    every request while it is missing). The embedded broker's folders are created when the Celery app loads."""
    database = settings.DATABASES["default"]
    folders = [Path(settings.STATIC_ROOT)]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        folders.append(Path(database["NAME"]).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def facts_connect() -> None:
    """Hand gamification the tutor's count of paid unlocks: the two apps sit side by side and never import each
    other, so the layer above both connects them (gamification/outside_facts.py)."""
    from django.apps import apps

    if apps.is_installed("tutor") and apps.is_installed("gamification"):
        from gamification.outside_facts import unlock_counter_set
        from tutor.selectors import unlocks_charged_count

        unlock_counter_set(unlocks_charged_count)

        from gamification.profile_parts import profile_part_add

        profile_part_add(app="tutor", template_name="tutor/_where_was_i.html")


class ProjectConfig(AppConfig):
    name = "config"
    label = "project"
    verbose_name = "Project"

    def ready(self) -> None:
        from config import checks  # noqa: F401 - registers the system checks

        local_folders_create()
        facts_connect()

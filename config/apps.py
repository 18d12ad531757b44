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
    """Connect the tutor and gamification, which sit side by side and never import each other: gamification gets the
    tutor's count of paid unlocks (gamification/outside_facts.py), /me/ shows the tutor's part of "where you left
    off" (gamification/profile_parts.py), and a charged unlock checks the badges at once (tutor/charges.py)."""
    from django.apps import apps

    if apps.is_installed("tutor") and apps.is_installed("gamification"):
        from gamification.outside_facts import unlock_counter_set
        from gamification.profile_parts import profile_part_add
        from tutor.charges import unlock_charged_listen
        from tutor.selectors import unlocks_charged_count

        unlock_counter_set(unlocks_charged_count)
        profile_part_add(app="tutor", template_name="tutor/_where_was_i.html")
        unlock_charged_listen(_badges_check)


def _badges_check(user_id: int) -> None:
    """A charged unlock may earn "Curious mind": awarded when it happens, not at the next completion."""
    from gamification.services import badges_check

    badges_check(user_id=user_id)


class ProjectConfig(AppConfig):
    name = "config"
    label = "project"
    verbose_name = "Project"

    def ready(self) -> None:
        from config import checks  # noqa: F401 - registers the system checks

        local_folders_create()
        facts_connect()

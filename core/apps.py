"""App config for core: connects the cache invalidation every model gets, whichever app defines it."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.learner_pages import invalidation_connect

        # A save or delete of any row that belongs to a user drops that learner's cached pages. All models are
        # loaded before any ready() runs, so the models of apps above core are found without importing them.
        invalidation_connect()

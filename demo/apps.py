"""App config for the demo: its data (a catalog, users, check questions) and the commands that load it."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from demo.feeds import demo_feed_url_allowed
        from ingest.fetching import local_exception_add

        # The demo's bundled feeds on loopback, and only those, only while the demo's feeds and debug are on.
        local_exception_add(demo_feed_url_allowed)

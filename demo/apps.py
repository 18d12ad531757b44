"""App config for the demo: its data (a catalog, users, check questions) and the commands that load it."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"

"""App config for privacy: a learner's data, taken away (export) or erased, across every app."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Your data"

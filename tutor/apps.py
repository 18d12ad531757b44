"""App config for the AI tutor: explanations, unlocks paid with held credits, the worker that writes them."""

from django.apps import AppConfig


class TutorConfig(AppConfig):
    name = "tutor"
    verbose_name = "AI tutor"
    default_auto_field = "django.db.models.BigAutoField"

"""App config for practice: check questions, a learner's answers, review cards scheduled by FSRS, and mastery."""

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

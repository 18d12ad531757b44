"""App config for gamification: XP, levels, daily goals and streaks, badges and weekly leagues."""

from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"

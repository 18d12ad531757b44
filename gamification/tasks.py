"""Celery tasks of gamification: thin callers of services, safe to run twice (beat schedules both)."""

from __future__ import annotations

from celery import shared_task

from gamification.services import league_weeks_close_due, streaks_settle_due


@shared_task(name="gamification.tasks.leagues_rollover_task")
def leagues_rollover_task() -> list[str]:
    """Close every league week that has ended: promotions, demotions and podium ⚡, each once."""
    return [report.key for report in league_weeks_close_due()]


@shared_task(name="gamification.tasks.streaks_settle_task")
def streaks_settle_task() -> int:
    """Spend freezes on missed days (or end streaks) soon after each learner's midnight."""
    return streaks_settle_due()

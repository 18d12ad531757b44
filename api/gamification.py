"""Gamification in the API: complete a lesson, my progress (XP, level, streak, badges, ⚡), this week's league."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from api.auth import require_user
from api.schemas import ErrorOut
from credits.selectors import wallet_summary
from gamification.rewards import OPEN_LESSONS_MAX, completion_wait_seconds
from gamification.selectors import leaderboard_for, me_summary
from gamification.services import lesson_complete, lesson_open
from lessons.selectors import lesson_published_get

router = Router(tags=["gamification"])


class TooSoonOut(Schema):
    detail: str
    seconds_left: int = Field(description="Seconds the lesson must still stay open (0 for a lesson with questions).")
    checks_left: int = Field(0, description="Check questions still to answer right, for a lesson that has them.")


class OpenedOut(Schema):
    opened_at: datetime = Field(description="When the lesson's clock started (this opening, or the one still running).")
    complete_after: datetime = Field(description="From then on, completing by time is accepted.")
    seconds_left: int
    open_at_most: int = Field(description="Lessons open at once; opening one more closes the one opened longest ago.")


class CompletionOut(Schema):
    xp_awarded: int
    credits_awarded: int
    streak: int
    badges_awarded: list[str]
    already_completed: bool


class BadgeOut(Schema):
    slug: str
    name: str
    earned_at: datetime


class MeOut(Schema):
    email: str
    xp: int
    level: int
    streak: int
    daily_goal: int
    freezes: int
    badges: list[BadgeOut]
    balance: int
    available: int


class BoardRowOut(Schema):
    rank: int
    display_name: str
    xp: int
    is_you: bool


@router.post("/lessons/{slug}/opened", response={200: OpenedOut, 404: ErrorOut}, summary="I opened a lesson")
def opened_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Say the lesson is open in the app: its completion clock starts (an opening already running keeps its time).
    Completing by time counts from here. A learner has at most a few lessons open at once: opening one more closes
    the one opened longest ago, whose clock starts again when it is next opened."""
    user = require_user(request)
    lesson = lesson_published_get(slug=slug)
    progress = lesson_open(user=user, lesson=lesson)
    wait = completion_wait_seconds(lesson.duration_seconds)
    if progress.opened_at is None:  # completed already: nothing to wait for
        done_at = progress.completed_at or timezone.now()
        return {
            "opened_at": done_at,
            "complete_after": done_at,
            "seconds_left": 0,
            "open_at_most": OPEN_LESSONS_MAX,
        }
    complete_after = progress.opened_at + timedelta(seconds=wait)
    left = max(0, int((complete_after - timezone.now()).total_seconds() + 0.999))
    return {
        "opened_at": progress.opened_at,
        "complete_after": complete_after,
        "seconds_left": left,
        "open_at_most": OPEN_LESSONS_MAX,
    }


@router.post(
    "/lessons/{slug}/complete",
    response={200: CompletionOut, 404: ErrorOut, 409: TooSoonOut},
    summary="Mark a lesson done",
)
def complete_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Counts once per learner. A lesson with check questions completes when they are all answered right (answering
    the last one completes it by itself: `POST /checks/{id}/answer`); one without needs the lesson open long enough (a
    quarter of its duration, 1 to 10 minutes, counted from `POST …/opened` or the lesson page; completing never starts
    the clock). 409 says how many seconds or questions are left, with Retry-After while the lesson is open."""
    user = require_user(request)
    result = lesson_complete(user=user, lesson=lesson_published_get(slug=slug))
    return {
        "xp_awarded": result.xp_awarded,
        "credits_awarded": result.credits_awarded,
        "streak": result.gains.streak,
        "badges_awarded": [badge.slug for badge in result.gains.badges],
        "already_completed": not result.created,
    }


@router.get("/me", response=MeOut, summary="My progress")
def me_endpoint(request: HttpRequest) -> dict[str, Any]:
    user = require_user(request)
    summary = me_summary(user=user)
    wallet = wallet_summary(user=user)  # a read: no wallet yet reads as ⚡0
    return {
        "email": summary.email,
        "xp": summary.xp,
        "level": summary.level,
        "streak": summary.streak,
        "daily_goal": summary.daily_goal,
        "freezes": summary.freezes,
        "badges": [
            {"slug": view.badge.slug, "name": view.badge.name, "earned_at": view.earned_at} for view in summary.badges
        ],
        "balance": wallet.balance,
        "available": wallet.available,
    }


@router.get("/leaderboard", response=list[BoardRowOut], summary="This week's league")
def leaderboard_endpoint(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's league this week, ranked; empty when they have earned no XP this week or left leagues."""
    board = leaderboard_for(user=require_user(request))
    return [
        {"rank": row.rank, "display_name": row.display_name, "xp": row.xp, "is_you": row.is_you} for row in board.rows
    ]

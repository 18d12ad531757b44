"""Spaced review in the API: my review queue, answering a card, and my mastery per skill (docs/learning.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from api.auth import require_user
from api.idempotency import first_answer_get, first_answer_store, idempotency_key_header, idempotency_key_parse
from api.schemas import NO_NUL_PATTERN, ErrorOut
from practice.selectors import review_queue_for, skill_mastery_for
from practice.services import review_answer

router = Router(tags=["practice"])

CHOICE_LENGTH_MAX = 300  # a check choice's text (the column) and a key term are shorter


class ChoiceOut(Schema):
    id: str = Field(description="Send it back as `choice`: a check question's choice id, or a key term itself.")
    text: str


class ReviewLessonOut(Schema):
    slug: str
    title: str


class ReviewItemOut(Schema):
    card_id: int
    kind: Literal["check", "term"]
    prompt: str
    choices: list[ChoiceOut]
    due_at: datetime
    lesson: ReviewLessonOut


class ReviewsOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "due_count": 1,
                    "items": [
                        {
                            "card_id": 412,
                            "kind": "check",
                            "prompt": "What does attention weigh?",
                            "choices": [
                                {"id": "88", "text": "Every token against the others"},
                                {"id": "89", "text": "The learning rate"},
                            ],
                            "due_at": "2026-03-10T12:01:00Z",
                            "lesson": {"slug": "attention-in-transformers", "title": "Attention in transformers"},
                        },
                        {
                            "card_id": 415,
                            "kind": "term",
                            "prompt": "Which term fills the blank? “A _____ cuts text into tokens.”",
                            "choices": [
                                {"id": "tokenizer", "text": "tokenizer"},
                                {"id": "optimizer", "text": "optimizer"},
                            ],
                            "due_at": "2026-03-13T09:30:00Z",
                            "lesson": {"slug": "attention-in-transformers", "title": "Attention in transformers"},
                        },
                    ],
                }
            ]
        }
    )

    due_count: int = Field(description="Cards due now; the items list them first, then the next ones to come due.")
    items: list[ReviewItemOut]


class ReviewChoiceIn(Schema):
    """An answer: one of the card's choices, graded from correctness and the time taken."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"choice": "88", "seconds": 6.5}]})

    choice: str = Field(
        min_length=1, max_length=CHOICE_LENGTH_MAX, pattern=NO_NUL_PATTERN, description="A choice's `id`."
    )
    seconds: float | None = Field(
        None, ge=0, le=86400, description="How long the learner took; quick right answers count as easy, slow as hard."
    )


class ReviewRatingIn(Schema):
    """The learner's own rating of how well they recalled the card."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rating": "good"}]})

    rating: Literal["again", "hard", "good", "easy"]


class ReviewAnswerOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "correct": True,
                    "rating": "easy",
                    "due_at": "2026-03-18T12:02:00Z",
                    "xp_awarded": 2,
                    "scheduled": True,
                },
                {
                    "correct": None,
                    "rating": "good",
                    "due_at": "2026-03-18T12:02:00Z",
                    "xp_awarded": 0,
                    "scheduled": False,
                },
            ]
        }
    )

    correct: bool | None = Field(description="Null when answered with a rating.")
    rating: Literal["again", "hard", "good", "easy"]
    due_at: datetime = Field(description="When the card comes back.")
    xp_awarded: int = Field(description="XP for this review: once per card and due date, within the daily cap.")
    scheduled: bool = Field(description="False when the card was not due yet: nothing changed and nothing was paid.")


class SkillMasteryOut(Schema):
    slug: str
    name: str
    mastery: int = Field(ge=0, le=100)
    lessons_done: int
    cards: int


class SkillsOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"slug": "transformers", "name": "Transformers", "mastery": 64, "lessons_done": 2, "cards": 9},
                        {"slug": "alignment", "name": "Alignment", "mastery": 0, "lessons_done": 0, "cards": 0},
                    ]
                }
            ]
        }
    )

    items: list[SkillMasteryOut]


@router.get("/me/reviews", response={200: ReviewsOut}, summary="My review cards: due first, then the next ones")
def my_reviews_endpoint(request: HttpRequest, limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:
    """The cards due now (oldest due first), then the ones coming due next, `limit` in all."""
    user = require_user(request)
    queue = review_queue_for(user=user, limit=limit)
    return {
        "due_count": queue.due_count,
        "items": [
            {
                "card_id": item.card_id,
                "kind": item.kind,
                "prompt": item.prompt,
                "choices": [{"id": choice.id, "text": choice.text} for choice in item.choices],
                "due_at": item.due_at,
                "lesson": {"slug": item.lesson.slug, "title": item.lesson.title},
            }
            for item in queue.items
        ],
    }


@router.post(
    "/reviews/{card_id}/answer",
    response={200: ReviewAnswerOut, 400: ErrorOut, 404: ErrorOut},
    summary="Answer a review card",
)
def review_answer_endpoint(
    request: HttpRequest,
    card_id: int,
    payload: ReviewChoiceIn | ReviewRatingIn,
    idempotency_key: str = idempotency_key_header("A UUID per answer: a retry with it gets the first answer again."),
) -> Status[dict[str, Any]]:
    """Answer one of my cards with a choice or a rating. A card that was due is rescheduled and earns XP once per due
    date (within the daily cap); one answered before it is due changes nothing. The same Idempotency-Key gets the
    first answer again; another learner's card is 404."""
    user = require_user(request)
    key = idempotency_key_parse(idempotency_key)
    if key is None:
        raise HttpError(400, "Send an Idempotency-Key header (a UUID per answer), so a retry is never a second answer.")
    operation = f"review:{card_id}"
    with transaction.atomic():  # the first answer is kept exactly when the review is
        first = first_answer_get(user=user, operation=operation, key=key)
        if first is not None:
            return Status(*first)
        if isinstance(payload, ReviewChoiceIn):
            result = review_answer(user=user, card_id=card_id, choice=payload.choice, seconds=payload.seconds)
        else:
            result = review_answer(user=user, card_id=card_id, rating=payload.rating)
        # The same key sent twice at once: the second waited for the first's locks, and answers what the first did.
        first = first_answer_get(user=user, operation=operation, key=key)
        if first is not None:
            return Status(*first)
        body = {
            "correct": result.correct,
            "rating": result.rating,
            "due_at": result.due_at.isoformat(),
            "xp_awarded": result.xp_awarded,
            "scheduled": result.scheduled,
        }
        first_answer_store(user=user, operation=operation, key=key, status=200, body=body)
    return Status(200, body)


@router.get("/me/skills", response={200: SkillsOut}, summary="My mastery per skill")
def my_skills_endpoint(request: HttpRequest) -> dict[str, Any]:
    """Every skill with published lessons: my mastery (0–100), the skill's lessons I completed, my cards on them."""
    user = require_user(request)
    return {
        "items": [
            {
                "slug": item.slug,
                "name": item.name,
                "mastery": item.mastery,
                "lessons_done": item.lessons_done,
                "cards": item.cards,
            }
            for item in skill_mastery_for(user=user)
        ]
    }

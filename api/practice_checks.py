"""Check questions in the API, signed in only: a lesson's questions (answers not revealed), and answering one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from api.auth import require_user
from api.idempotency import first_answer_get, first_answer_store, idempotency_key_header, idempotency_key_parse
from api.schemas import ErrorOut
from gamification.services import profile_locked
from practice.check_exceptions import ChoiceNotInQuestion
from practice.models import CheckChoice
from practice.selectors import check_answerable_get, check_lesson_get, lesson_checks_for
from practice.services import check_answer

router = Router(tags=["practice"])

# Ids are PostgreSQL bigints: a larger number can name nothing, so it is refused before any query.
ID_MAX = 2**63 - 1
SECONDS_MAX = 86_400


class CheckChoiceOut(Schema):
    id: int
    text: str


class CheckSourceOut(Schema):
    start_seconds: int | None = Field(description="Where the passage the answer comes from starts, for timed material.")
    url: str = Field(description="The lesson's link at that moment, or the lesson's page.")


class CheckOut(Schema):
    id: int
    prompt: str
    choices: list[CheckChoiceOut]
    source: CheckSourceOut


class ChecksOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": 41,
                            "prompt": "What does attention compare each token with?",
                            "choices": [
                                {"id": 101, "text": "Every other token"},
                                {"id": 102, "text": "Its neighbours"},
                            ],
                            "source": {"start_seconds": 77, "url": "https://www.youtube.com/watch?v=abc&t=77s"},
                        }
                    ]
                }
            ]
        }
    )

    items: list[CheckOut]


class CheckAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"choice": 101, "seconds": 12.5}]})

    choice: int = Field(ge=1, le=ID_MAX, description="The id of one of the question's choices.")
    seconds: float | None = Field(
        None, ge=0, le=SECONDS_MAX, description="How long the learner took, when known: a quick right answer is easy."
    )


class CheckReviewOut(Schema):
    card_id: int
    due_at: datetime = Field(description="When the question comes back for review (minutes after a wrong answer).")


class CheckAnsweredOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "correct": True,
                    "correct_choice": 101,
                    "explanation": "Attention weighs every token against every other.",
                    "lesson_completed": True,
                    "xp_awarded": 25,
                    "review": {"card_id": 7, "due_at": "2026-03-14T12:00:00Z"},
                }
            ]
        }
    )

    correct: bool
    correct_choice: int | None = Field(description="The right choice's id.")
    explanation: str
    lesson_completed: bool = Field(description="The lesson is completed, by this answer or before.")
    xp_awarded: int = Field(description="XP this answer earned: the first-try bonus and the completion's XP, once.")
    review: CheckReviewOut


@router.get("/lessons/{slug}/checks", response={200: ChecksOut, 404: ErrorOut}, summary="A lesson's check questions")
def lesson_checks_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The lesson's live check questions, hand-written first, with their choices but not which is right. Answering
    them all right completes the lesson (`POST /checks/{id}/answer`)."""
    user = require_user(request)
    lesson = check_lesson_get(slug=slug, user=user)
    items = []
    for view in lesson_checks_for(user=user, lesson=lesson):
        url = view.source_url
        if url.startswith("/"):
            url = request.build_absolute_uri(url)
        items.append(
            {
                "id": view.question.pk,
                "prompt": view.question.prompt,
                "choices": [{"id": choice.pk, "text": choice.text} for choice in view.choices],
                "source": {"start_seconds": view.question.start_seconds, "url": url},
            }
        )
    return {"items": items}


def _explanation(question_explanation: str, choices: list[CheckChoice], chosen: CheckChoice) -> str:
    if question_explanation:
        return question_explanation
    right = next((choice for choice in choices if choice.is_correct), None)
    return (right or chosen).explanation


@router.post(
    "/checks/{check_id}/answer",
    response={200: CheckAnsweredOut, 400: ErrorOut, 404: ErrorOut},
    summary="Answer a check question",
)
def check_answer_endpoint(
    request: HttpRequest,
    payload: CheckAnswerIn,
    check_id: int = Path(..., ge=1, le=ID_MAX),
    idempotency_key: str = idempotency_key_header(
        "A UUID per answer: a retry with the same key is not answered twice."
    ),
) -> Status[dict[str, Any]]:
    """Answer with one of the question's choices. The first answer makes the question's review card and, when right,
    earns the first-try bonus; the answer that makes every question of the lesson right completes it. A retry with
    the same Idempotency-Key gets the first answer again, status and body, and earns nothing twice. 404 for a question
    of a lesson the caller cannot see, one no longer live, or a choice that is not the question's."""
    user = require_user(request)
    key = idempotency_key_parse(idempotency_key)
    if key is None:
        raise HttpError(400, "Send an Idempotency-Key header (a UUID per answer), so a retry is not answered twice.")
    question = check_answerable_get(question_id=check_id, user=user)
    operation = f"check:{question.pk}"
    with transaction.atomic():
        profile_locked(user=user)  # a replay racing its first request waits here, then finds the first answer
        first = first_answer_get(user=user, operation=operation, key=key)
        if first is not None:
            return Status(*first)
        choices = list(question.choices.all())
        choice = next((c for c in choices if c.pk == payload.choice), None)
        if choice is None:
            raise ChoiceNotInQuestion(f"Choice {payload.choice} is not one of this question's answers.")
        result = check_answer(user=user, question=question, choice=choice, seconds=payload.seconds)
        right = next((c for c in choices if c.is_correct), None)
        body = {
            "correct": result.correct,
            "correct_choice": right.pk if right else None,
            "explanation": _explanation(question.explanation, choices, choice),
            "lesson_completed": result.lesson_completed,
            "xp_awarded": result.xp_awarded,
            "review": {"card_id": result.card.pk, "due_at": result.card.due.isoformat()},
        }
        first_answer_store(user=user, operation=operation, key=key, status=200, body=body)
    return Status(200, body)

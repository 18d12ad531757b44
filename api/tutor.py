"""The AI tutor, signed in only: unlocking, the explanation, and questions about a lesson ("Ask the tutor")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from api.auth import require_user
from api.idempotency import first_answer_get, first_answer_store, idempotency_key_header, idempotency_key_parse
from api.schemas import ErrorOut
from credits.selectors import wallet_summary
from tutor.exceptions import (
    NotUnlocked,
)
from tutor.models import QUESTION_LENGTH_MAX, ExplanationStatus, Question
from tutor.selectors import (
    explanation_for_learner,
    explanation_html,
    lesson_for_tutor,
    question_for_learner,
    question_html,
    questions_for,
    unlock_for,
)
from tutor.services import UNWRITTEN_REASON, question_ask, unlock

router = Router(tags=["tutor"])


class NotEnoughCreditsOut(Schema):
    detail: str
    available: int
    price: int


class ExplanationStateOut(Schema):
    status: str


class UnlockOut(Schema):
    unlocked: bool
    balance: int
    available: int
    explanation: ExplanationStateOut


class ExplanationTextOut(Schema):
    status: str
    markdown: str
    html: str
    returned: int | None = None  # failed: the credits given back
    detail: str | None = None  # failed: what happened, and how to try again


class QuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # At least one letter or digit: a question of spaces or control characters alone is empty once cleaned.
    question: str = Field(max_length=QUESTION_LENGTH_MAX, pattern=r"^[^\x00]*[^\W_][^\x00]*$")


class QuestionAskedOut(Schema):
    id: int
    status: str
    charged: int


class CitationOut(Schema):
    lesson: str
    # The moment of the passage, or the start of the chapter it belongs to; null for text no chapter holds.
    start_seconds: int | None
    url: str
    text: str
    # Where the passage comes from: transcript, article, abstract, text, description, or chapter (the chapter cited
    # besides the passages). Answers written before this field read "" (unknown).
    origin: str = ""
    chapter: str = ""
    lesson_title: str = ""
    linked: bool = False  # from a lesson the asked one links to, not from the lesson itself


class QuestionOut(Schema):
    id: int
    question: str
    status: str
    answer_markdown: str
    answer_html: str
    found: bool | None
    citations: list[CitationOut]
    charged: int
    created_at: datetime


def _key(value: str | None) -> str:
    key = idempotency_key_parse(value)
    if key is None:
        raise HttpError(400, "Send an Idempotency-Key header (a UUID per unlock), so a retry never charges twice.")
    return key


@router.post(
    "/lessons/{slug}/unlock",
    response={200: UnlockOut, 201: UnlockOut, 400: ErrorOut, 402: NotEnoughCreditsOut, 404: ErrorOut, 409: ErrorOut},
    summary="Unlock the AI tutor explanation",
    openapi_extra={
        "responses": {
            status: {
                "links": {
                    "ReadExplanation": {
                        "operationId": "api_tutor_lesson_explanation",
                        "parameters": {"slug": "$request.path.slug"},
                    }
                }
            }
            for status in (200, 201)
        }
    },
)
def lesson_unlock_endpoint(
    request: HttpRequest,
    slug: str,
    idempotency_key: str = idempotency_key_header("A UUID per unlock: the same key never charges twice."),
) -> Status[dict[str, Any]]:
    """Hold the lesson's price (captured once the explanation is ready, returned if it cannot be written).
    201 the first time, 200 when already unlocked (nothing charged); the same Idempotency-Key never charges twice and
    gets the first answer again, status and body."""
    user = require_user(request)
    key = _key(idempotency_key)
    lesson = lesson_for_tutor(slug=slug, user=user, published_only=True)
    operation = f"unlock:{lesson.pk}"
    with transaction.atomic():  # the first answer is kept exactly when the unlock is
        result = unlock(user=user, lesson=lesson, idempotency_key=key)
        if not result.created:
            # A replay of the key that unlocked it (its answer was lost) gets that answer again; another key finds
            # the lesson already unlocked.
            first = first_answer_get(user=user, operation=operation, key=key)
            if first is not None:
                return Status(*first)
        summary = wallet_summary(user=user)
        status = 201 if result.created else 200
        body = {
            "unlocked": True,
            "balance": summary.balance,
            "available": summary.available,
            "explanation": {"status": result.explanation.status},
        }
        if result.created:
            first_answer_store(user=user, operation=operation, key=key, status=status, body=body)
    return Status(status, body)


@router.get(
    "/lessons/{slug}/explanation",
    response={200: ExplanationTextOut, 403: ErrorOut, 404: ErrorOut},
    summary="The AI tutor explanation I unlocked",
    exclude_none=True,  # "returned" and "detail" only when it failed
)
def lesson_explanation_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The explanation's state and text: the text so far while it is being written, all of it once ready."""
    user = require_user(request)
    lesson = lesson_for_tutor(slug=slug, user=user)
    try:
        explanation = explanation_for_learner(user=user, lesson=lesson)
    except NotUnlocked:
        returned = unlock_for(user=user, lesson=lesson)
        if returned is not None and returned.hold is not None:
            # Their unlock failed and the credits came back: say so, unlike "never unlocked" (403).
            return {
                "status": ExplanationStatus.FAILED,
                "markdown": "",
                "html": "",
                "returned": returned.hold.amount,
                "detail": f"⚡{returned.hold.amount} returned — {UNWRITTEN_REASON}. You were not charged; unlock "
                "again (POST …/unlock with a new Idempotency-Key) to try again.",
            }
        raise
    partial = explanation.status != ExplanationStatus.READY
    return {
        "status": explanation.status,
        "markdown": explanation.partial_markdown if partial else explanation.markdown,
        "html": explanation_html(explanation, partial=partial),
    }


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "question": question.text,
        "status": question.status,
        "answer_markdown": question.answer_markdown,
        "answer_html": question_html(question),
        "found": question.found,
        "citations": question.citations,
        "charged": question.charged,
        "created_at": question.created_at,
    }


@router.post(
    "/lessons/{slug}/questions",
    response={
        202: QuestionAskedOut,
        400: ErrorOut,
        402: NotEnoughCreditsOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        429: ErrorOut,
    },
    summary="Ask the tutor about a lesson I unlocked",
)
def lesson_question_ask_endpoint(
    request: HttpRequest,
    slug: str,
    payload: QuestionIn,
    idempotency_key: str = idempotency_key_header(
        "A UUID per question: the same key is the same question, never charged twice."
    ),
) -> Status[dict[str, Any]]:
    """The first questions come with the unlock; later ones hold QUESTION_PRICE, charged only when the answer is
    written from the material. The same Idempotency-Key is the same question, never charged twice."""
    user = require_user(request)
    key = _key(idempotency_key)
    lesson = lesson_for_tutor(slug=slug, user=user, published_only=True)
    asked = question_ask(user=user, lesson=lesson, text=payload.question, idempotency_key=key)
    question = asked.question
    return Status(202, {"id": question.pk, "status": question.status, "charged": question.charged})


@router.get(
    "/lessons/{slug}/questions",
    response={200: list[QuestionOut], 404: ErrorOut},
    summary="My questions about a lesson",
)
def lesson_questions_endpoint(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    user = require_user(request)
    lesson = lesson_for_tutor(slug=slug, user=user)
    return [_question_out(question) for question in questions_for(user=user, lesson=lesson)]


@router.get("/questions/{question_id}", response={200: QuestionOut, 404: ErrorOut}, summary="One of my questions")
def question_detail_endpoint(request: HttpRequest, question_id: int) -> dict[str, Any]:
    """The question and its answer as it stands; anyone else's question is 404."""
    user = require_user(request)
    return _question_out(question_for_learner(user=user, question_id=question_id))

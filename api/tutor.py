"""POST /api/v1/lessons/{slug}/unlock and GET /api/v1/lessons/{slug}/explanation: the AI tutor, signed in only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError

from api.auth import require_user
from api.schemas import ErrorOut
from credits.selectors import wallet_summary
from credits.services import IdempotencyConflict, InsufficientCredits
from lessons.exceptions import LessonNotFound
from lessons.models import Lesson
from tutor.exceptions import NotUnlocked, UnlockKeyReused
from tutor.models import ExplanationStatus
from tutor.selectors import explanation_for_learner, explanation_html, lesson_for_tutor
from tutor.services import unlock

router = Router(tags=["tutor"])

IDEMPOTENCY_KEY_MAX_LENGTH = 100
# Printable ASCII, no surrounding spaces, up to 100 characters: the document says exactly what _key() accepts.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,98}[!-~])?$"


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


def _lesson(slug: str, user: Any, *, published_only: bool = False) -> Lesson:
    try:
        return lesson_for_tutor(slug=slug, user=user, published_only=published_only)
    except LessonNotFound:
        raise HttpError(404, f"No lesson with slug “{slug}”.") from None


def _key(value: str | None) -> str:
    key = (value or "").strip()
    if not key:
        raise HttpError(400, "Send an Idempotency-Key header (a UUID per unlock), so a retry never charges twice.")
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable() or not key.isascii():
        raise HttpError(400, f"An Idempotency-Key is up to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.")
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
def lesson_unlock(
    request: HttpRequest,
    slug: str,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        description="A UUID per unlock: the same key never charges twice.",
        pattern=IDEMPOTENCY_KEY_PATTERN,
    ),
) -> Status[dict[str, Any]]:
    """Hold the lesson's price (captured once the explanation is ready, returned if it cannot be written).
    201 the first time, 200 when already unlocked (nothing charged); the same Idempotency-Key never charges twice."""
    user = require_user(request)
    key = _key(idempotency_key)
    lesson = _lesson(slug, user, published_only=True)
    try:
        result = unlock(user=user, lesson=lesson, idempotency_key=key)
    except InsufficientCredits as error:
        return Status(
            402,
            {
                "detail": f"Not enough credits: ⚡{max(error.available, 0)} available, ⚡{lesson.unlock_price} needed.",
                "available": error.available,
                "price": lesson.unlock_price,
            },
        )
    except (UnlockKeyReused, IdempotencyConflict) as error:
        raise HttpError(409, str(error)) from error
    summary = wallet_summary(user=user)
    return Status(
        201 if result.created else 200,
        {
            "unlocked": True,
            "balance": summary.balance,
            "available": summary.available,
            "explanation": {"status": result.explanation.status},
        },
    )


@router.get(
    "/lessons/{slug}/explanation",
    response={200: ExplanationTextOut, 403: ErrorOut, 404: ErrorOut},
    summary="The AI tutor explanation I unlocked",
)
def lesson_explanation(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The explanation's state and text: the text so far while it is being written, all of it once ready."""
    user = require_user(request)
    lesson = _lesson(slug, user)
    try:
        explanation = explanation_for_learner(user=user, lesson=lesson)
    except NotUnlocked as error:
        raise HttpError(403, str(error)) from error
    partial = explanation.status != ExplanationStatus.READY
    return {
        "status": explanation.status,
        "markdown": explanation.partial_markdown if partial else explanation.markdown,
        "html": explanation_html(explanation, partial=partial),
    }

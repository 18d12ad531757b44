"""Staff only: the curator's Incoming queue, and publishing or rejecting an item from it (as the admin does)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_permission_codename
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from accounts.models import User
from api.auth import require_user
from api.lessons import ChapterOut
from api.schemas import ErrorOut
from ingest.models import IncomingLesson
from ingest.selectors import incoming_get, incoming_page
from lessons.services import lesson_publish, lesson_reject

router = Router(tags=["curation"])


class MaterialOut(Schema):
    transcript: bool = Field(description="A transcript was found.")
    text_chars: int = Field(description="Characters of the work's own text (article body, abstract).")


class IncomingOut(Schema):
    slug: str
    title: str
    source: str
    kind: str
    external_url: str
    published_at: date
    suggested_category: str | None = Field(description="Slug of the suggested category.")
    suggested_level: str | None
    suggested_summary: str
    suggestion_confidence: float | None = Field(
        description="How closely the item reads like the published lesson nearest to it, 0 to 1 (null: nothing to "
        "compare with). Below the server's threshold no category or level is suggested."
    )
    chapters: list[ChapterOut]
    material: MaterialOut


class IncomingListOut(Schema):
    count: int
    items: list[IncomingOut]


class DecisionOut(Schema):
    slug: str
    status: str
    url: str = Field(description="The lesson's page (shown to learners once published).")


def _may(user: User, action: str) -> bool:
    """The admin's own rule for the Incoming queue: staff, with the model permission its page or action needs."""
    opts = IncomingLesson._meta
    return user.is_staff and user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def _curator(request: HttpRequest, *, deciding: bool) -> None:
    """Seeing the queue takes what the admin's list takes (view or change); publishing or rejecting takes what its
    actions take (change). Being staff alone is not enough: the admin refuses such an account too."""
    user = require_user(request)
    allowed = _may(user, "change") or (not deciding and _may(user, "view"))
    if not allowed:
        raise HttpError(403, "Only curators (staff allowed to change incoming lessons) may see or act on the queue.")


@router.get(
    "/curation/incoming",
    response={200: IncomingListOut, 401: ErrorOut, 403: ErrorOut},
    summary="The incoming queue (staff)",
)
def incoming_list_endpoint(
    request: HttpRequest, page: int = Query(1, ge=1, le=100_000), source: int | None = Query(None, ge=1)
) -> dict[str, Any]:
    """Lessons sources brought in and no curator decided on yet, newest first, 50 a page (``source``: a source id)."""
    _curator(request, deciding=False)
    count, items = incoming_page(source_id=source, page=page)
    return {
        "count": count,
        "items": [
            {
                "slug": item.lesson.slug,
                "title": item.lesson.title,
                "source": item.lesson.source.name,
                "kind": item.lesson.kind,
                "external_url": item.lesson.external_url,
                "published_at": item.lesson.published_at,
                "suggested_category": item.lesson.suggested_category.slug if item.lesson.suggested_category else None,
                "suggested_level": item.lesson.suggested_level or None,
                "suggested_summary": item.lesson.suggested_summary,
                "suggestion_confidence": item.lesson.suggestion_confidence,
                "chapters": [{"start_seconds": c.start_seconds, "title": c.title, "url": c.url} for c in item.chapters],
                "material": {"transcript": item.has_transcript, "text_chars": item.text_chars},
            }
            for item in items
        ],
    }


def _decide(request: HttpRequest, slug: str, *, publish: bool) -> dict[str, Any]:
    _curator(request, deciding=True)
    lesson = incoming_get(slug=slug)
    if lesson is None:
        raise HttpError(404, f"No incoming lesson with slug “{slug}”.")
    if publish:
        lesson_publish(lesson=lesson)
    else:
        lesson_reject(lesson=lesson)
    return {"slug": lesson.slug, "status": lesson.status, "url": lesson.get_absolute_url()}


@router.post(
    "/curation/incoming/{slug}/publish",
    response={200: DecisionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Publish an incoming lesson (staff)",
)
def incoming_publish_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Publish it: it joins the catalog, with the suggested category and summary where none was set. Idempotent."""
    return _decide(request, slug, publish=True)


@router.post(
    "/curation/incoming/{slug}/reject",
    response={200: DecisionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Reject an incoming lesson (staff)",
)
def incoming_reject_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Reject it: it stays out of the catalog and later polls never bring it back. Idempotent."""
    return _decide(request, slug, publish=False)

"""GET /api/v1/lessons and GET /api/v1/lessons/{slug}: the catalog and one lesson, for visitors and learners alike."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import ConfigDict

from api.auth import OPTIONAL_AUTH, REQUIRED_AUTH, request_user, require_user
from api.schemas import NO_NUL_PATTERN, ErrorOut
from core.content_version import content_version
from core.page_cache import shared_page
from lessons.models import Lesson, Level
from lessons.search import QUERY_MAX_LENGTH
from lessons.selectors import (
    CATALOG_PAGE_SIZE,
    CatalogFilters,
    LessonCard,
    LessonDetail,
    catalog_slice_get,
    lesson_detail_get,
    lesson_published_get,
)
from lessons.services import material_request_create
from tutor.selectors import lesson_tutor_fields

router = Router(tags=["lessons"], auth=OPTIONAL_AUTH)


class SourceOut(Schema):
    name: str
    kind: str
    url: str | None


class CategoryOut(Schema):
    slug: str
    name: str
    icon: str


class LessonSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    source: SourceOut
    kind: str
    level: Level
    category: CategoryOut | None
    external_url: str
    published_at: date
    duration_seconds: int | None
    url: str = Field(description="The lesson's page on this site.")
    watched: bool | None = Field(description="Started by the caller (null for anonymous callers).")
    completed: bool | None = Field(description="Completed by the caller (null for anonymous callers).")


class LessonListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[LessonSummaryOut]


class ChapterOut(Schema):
    start_seconds: int
    title: str
    url: str


class SkillWeightOut(Schema):
    slug: str
    name: str
    weight: int = Field(ge=1, le=100, description="How much of the lesson is about the skill, 1–100.")


class ExplanationOut(Schema):
    status: str


class TutorMaterialOut(Schema):
    """What the AI tutor has read of the lesson, shown before paying (docs/tutor.md, "Coverage")."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kinds": ["description"],
                    "words": 180,
                    "chapters_covered": 2,
                    "chapters_total": 11,
                    "requested": False,
                },
                {
                    "kinds": ["description", "transcript"],
                    "words": 9980,
                    "chapters_covered": 11,
                    "chapters_total": 11,
                    "requested": True,
                },
            ]
        }
    )

    kinds: list[Literal["description", "transcript", "article", "abstract"]] = Field(
        description="The kinds of material the tutor reads: the description, the transcript, an article's text, a "
        "paper's abstract."
    )
    words: int = Field(description="Words of material in all.")
    chapters_covered: int = Field(
        description="Chapters the material has text for (their stretch of transcript, a section of the text, or "
        "description sentences on their subject); the others the explanation lists as not covered."
    )
    chapters_total: int = Field(description="The lesson's chapters (0 when it lists none).")
    requested: bool = Field(description="Whether the caller asked for the lesson's transcript (false for visitors).")


class MaterialRequestedOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"requested": True}]})

    requested: bool


class LessonDetailOut(LessonSummaryOut):
    description: str
    link_label: str
    chapters: list[ChapterOut]
    skills: list[SkillWeightOut] = Field(description="The skills the lesson trains, heaviest first.")
    related: list[LessonSummaryOut]
    up_next: LessonSummaryOut | None
    up_next_reason: str | None
    unlock_price: int
    unlocked: bool = Field(description="Whether the caller unlocked the AI tutor explanation (tutor issue).")
    explanation: ExplanationOut | None = Field(description="The explanation's state once unlocked; null until then.")
    material: TutorMaterialOut = Field(description="What the AI tutor has read of the lesson, before anyone pays.")


# The level's value or its label, exactly: the document lists what is accepted, so a generator can trust it.
LevelParam = Literal["beginner", "intermediate", "advanced", "Beginner", "Intermediate", "Advanced"]


class LessonFilters(Schema):
    course: str | None = Field(
        None, max_length=200, pattern=NO_NUL_PATTERN, description="A course slug: its lessons, in course order."
    )
    level: LevelParam | None = Field(None, description="beginner, intermediate or advanced (or its label, Beginner…).")
    category: str | None = Field(None, max_length=200, pattern=NO_NUL_PATTERN, description="A category slug.")
    q: str | None = Field(None, max_length=QUERY_MAX_LENGTH, pattern=NO_NUL_PATTERN, description="Words to search for.")
    skill: str | None = Field(None, max_length=80, pattern=NO_NUL_PATTERN, description="A skill slug: its lessons.")
    page: int = Field(1, ge=1, le=100_000, description=f"1-based; {CATALOG_PAGE_SIZE} lessons a page.")


def lesson_summary(card: LessonCard, *, signed_in: bool) -> dict[str, Any]:
    """A lesson as lists show it; other routers (the tutor's) reuse it so every list reads the same."""
    lesson: Lesson = card.lesson
    category = lesson.category
    return {
        "slug": lesson.slug,
        "title": lesson.title,
        "summary": lesson.summary,
        "source": {"name": lesson.source.name, "kind": lesson.source.kind, "url": lesson.source.url or None},
        "kind": lesson.kind,
        "level": lesson.level,
        "category": {"slug": category.slug, "name": category.name, "icon": category.icon} if category else None,
        "external_url": lesson.external_url,
        "published_at": lesson.published_at,
        "duration_seconds": lesson.duration_seconds,
        "url": lesson.get_absolute_url(),
        "watched": card.started if signed_in else None,
        "completed": card.completed if signed_in else None,
    }


def lesson_detail_payload(detail: LessonDetail, *, signed_in: bool) -> dict[str, Any]:
    """The lesson detail as the API answers it; the tutor's router extends it with ``unlocked`` and ``explanation``."""
    up_next = detail.up_next
    return {
        **lesson_summary(detail.card, signed_in=signed_in),
        "description": detail.lesson.description,
        "link_label": detail.link_label,
        "chapters": [
            {"start_seconds": chapter.start_seconds, "title": chapter.title, "url": chapter.url}
            for chapter in detail.chapters
        ],
        "skills": [skill.as_payload() for skill in detail.skills],
        "related": [lesson_summary(card, signed_in=signed_in) for card in detail.related],
        "up_next": lesson_summary(up_next.card, signed_in=signed_in) if up_next else None,
        "up_next_reason": up_next.reason if up_next else None,
        "unlock_price": detail.lesson.unlock_price,
        "unlocked": False,
        "explanation": None,
    }


# Links tell clients (and a stateful fuzzer) where a listed lesson's slug leads.
_FIRST_LISTED = {"slug": "$response.body#/items/0/slug"}
LESSON_LIST_LINKS = {
    "GetLesson": {"operationId": "api_lessons_lesson_get", "parameters": _FIRST_LISTED},
    "UnlockLesson": {"operationId": "api_tutor_lesson_unlock", "parameters": _FIRST_LISTED},
    "ReadExplanation": {"operationId": "api_tutor_lesson_explanation", "parameters": _FIRST_LISTED},
    "CompleteLesson": {"operationId": "api_gamification_complete", "parameters": _FIRST_LISTED},
}


@router.get(
    "/lessons",
    response={200: LessonListOut, 404: ErrorOut},
    summary="List and search lessons",
    openapi_extra={"responses": {200: {"links": LESSON_LIST_LINKS}}},
)
@decorate_view(shared_page(version=content_version))
def lessons_list_endpoint(request: HttpRequest, filters: Query[LessonFilters]) -> dict[str, Any]:
    """Published lessons, newest first (a course's in course order, a search's best match first). A page past the
    last one answers 404; an empty result answers page 1 with no items."""
    user = request_user(request)
    count, cards = catalog_slice_get(
        user=user,
        filters=CatalogFilters(
            course=filters.course or "",
            category=filters.category or "",
            level=(filters.level or "").lower(),
            q=(filters.q or "").strip(),
            skill=filters.skill or "",
        ),
        page=filters.page,
    )
    if not cards and filters.page > 1:
        last = max(1, -(-count // CATALOG_PAGE_SIZE))
        raise HttpError(404, f"There is no page {filters.page}: pages run from 1 to {last}.")
    signed_in = user is not None
    return {
        "count": count,
        "page": filters.page,
        "page_size": CATALOG_PAGE_SIZE,
        "items": [lesson_summary(card, signed_in=signed_in) for card in cards],
    }


@router.get("/lessons/{slug}", response={200: LessonDetailOut, 404: ErrorOut}, summary="One lesson")
@decorate_view(shared_page(version=content_version))
def lesson_get_endpoint(
    request: HttpRequest, slug: str, course: str | None = Query(None, max_length=200, pattern=NO_NUL_PATTERN)
) -> dict[str, Any]:
    """The lesson with its chapters, related lessons and "up next" (within ``course`` when the lesson is in it)."""
    user = request_user(request)
    # No preview through the API: an app lists what learners see; staff preview a draft on its page.
    detail = lesson_detail_get(slug=slug, user=user, course_slug=course)
    payload = lesson_detail_payload(detail, signed_in=user is not None)
    # `unlocked`, `explanation` and `material` come from the tutor (tutor.selectors), the app above lessons.
    lesson = detail.lesson
    return payload | lesson_tutor_fields(user=user, lesson=lesson, chapters=detail.chapters)


@router.post(
    "/lessons/{slug}/material-request",
    auth=REQUIRED_AUTH,
    response={202: MaterialRequestedOut, 404: ErrorOut},
    summary="Ask for the lesson's transcript",
)
def lesson_material_request_endpoint(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    """Ask for the transcript of a lesson that lacks one: free, once per learner; asking again answers the same.
    Curators see the lessons learners ask for first."""
    user = require_user(request)
    lesson = lesson_published_get(slug=slug)
    material_request_create(user=user, lesson=lesson)
    return Status(202, {"requested": True})

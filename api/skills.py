"""GET /api/v1/skills and GET /api/v1/skills/{slug}: what the lessons train, for visitors and learners alike."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from api.auth import OPTIONAL_AUTH, request_user
from api.lessons import LessonSummaryOut, lesson_summary
from api.schemas import ErrorOut
from core.content_version import content_version
from core.page_cache import shared_page
from lessons.selectors import skill_detail_get, skills_list

router = Router(tags=["skills"], auth=OPTIONAL_AUTH)


class SkillOut(Schema):
    slug: str
    name: str
    description: str
    lessons: int = Field(description="Published lessons that carry the skill.")


class SkillListOut(Schema):
    items: list[SkillOut]


class SkillLessonOut(Schema):
    weight: int = Field(ge=1, le=100, description="How much of the lesson is about the skill, 1–100.")
    lesson: LessonSummaryOut


class SkillDetailOut(SkillOut):
    items: list[SkillLessonOut] = Field(description="The skill's lessons, heaviest first.")


@router.get(
    "/skills",
    response={200: SkillListOut},
    summary="List skills",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "items": [
                                {
                                    "slug": "reading-ml-papers",
                                    "name": "Reading ML papers",
                                    "description": "Finding, reading and judging research papers.",
                                    "lessons": 14,
                                }
                            ]
                        }
                    }
                }
            }
        }
    },
)
@decorate_view(shared_page(version=content_version))
def skills_list_endpoint(request: HttpRequest) -> dict[str, Any]:
    """Every skill, by name, with how many published lessons train it."""
    return {"items": [skill.as_payload() for skill in skills_list()]}


@router.get("/skills/{slug}", response={200: SkillDetailOut, 404: ErrorOut}, summary="One skill with its lessons")
@decorate_view(shared_page(version=content_version))
def skill_get_endpoint(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The skill and the lessons the caller may see that train it, with their weights, heaviest first."""
    user = request_user(request)
    detail = skill_detail_get(slug=slug, user=user)
    signed_in = user is not None
    return detail.skill.as_payload() | {
        "items": [
            {"weight": item.weight, "lesson": lesson_summary(item.card, signed_in=signed_in)} for item in detail.lessons
        ]
    }

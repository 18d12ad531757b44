"""Reads for skills: the list, one skill with its lessons, and a lesson's skills with their weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q

from accounts.selectors import signed_in_user
from lessons.exceptions import SkillNotFound
from lessons.models import LessonSkill, LessonStatus, Skill, lessons_visible_to
from lessons.selectors.cards import CARD_DEFERRED, LessonCard, _marks, _row_card


@dataclass(frozen=True)
class SkillWeight:
    """A skill as a lesson carries it: "Reading ML papers 90 %"."""

    slug: str
    name: str
    weight: int

    def as_payload(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "weight": self.weight}


@dataclass(frozen=True)
class SkillSummary:
    slug: str
    name: str
    description: str
    lessons: int  # published lessons that carry it

    def as_payload(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "description": self.description, "lessons": self.lessons}


@dataclass(frozen=True)
class SkillLesson:
    card: LessonCard
    weight: int


@dataclass(frozen=True)
class SkillDetail:
    skill: SkillSummary
    lessons: list[SkillLesson]  # heaviest first


def skill_weights(rows: list[LessonSkill]) -> list[SkillWeight]:
    """A lesson's skill rows (with their skill selected) as the page and the API show them, heaviest first."""
    ordered = sorted(rows, key=lambda row: (-row.weight, row.skill.name.casefold()))
    return [SkillWeight(slug=row.skill.slug, name=row.skill.name, weight=row.weight) for row in ordered]


def lesson_skills_prefetch() -> Prefetch:
    """What a lesson query adds to carry its skills (one more query, whatever their number)."""
    return Prefetch("lesson_skills", queryset=LessonSkill.objects.select_related("skill"), to_attr="skill_rows")


def skills_list() -> list[SkillSummary]:
    """Every skill with how many published lessons carry it, in one query."""
    skills = Skill.objects.annotate(
        published=Count("lesson_skills", filter=Q(lesson_skills__lesson__status=LessonStatus.PUBLISHED))
    ).order_by("name")
    return [_summary(skill, skill.published) for skill in skills]


def skill_detail_get(*, slug: str, user: Any) -> SkillDetail:
    """A skill with the lessons ``user`` may see that carry it, heaviest first (two queries); SkillNotFound."""
    skill = Skill.objects.filter(slug=slug).first()
    if skill is None:
        raise SkillNotFound(slug)
    learner_marks = {f"lesson_{name}": value for name, value in _marks(signed_in_user(user), "lesson").items()}
    rows = list(
        LessonSkill.objects.filter(lessons_visible_to(user, through="lesson__"), skill=skill)
        .select_related("lesson__source", "lesson__category")
        .defer(*(f"lesson__{name}" for name in CARD_DEFERRED))
        .annotate(**learner_marks)
        .order_by("-weight", "-lesson__published_at", "lesson_id")
    )
    lessons = [SkillLesson(card=_row_card(row, "lesson"), weight=row.weight) for row in rows]
    published = sum(1 for row in rows if row.lesson.status == LessonStatus.PUBLISHED)
    return SkillDetail(skill=_summary(skill, published), lessons=lessons)


def _summary(skill: Skill, lessons: int) -> SkillSummary:
    return SkillSummary(slug=skill.slug, name=skill.name, description=skill.description, lessons=lessons)

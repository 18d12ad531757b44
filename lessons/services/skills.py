"""Writes of skills: a skill, a lesson's weighted skills, and the skills suggested for a new lesson."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from lessons.models import Category, Lesson, LessonSkill, Skill
from lessons.skill_suggestions import LessonWords, SkillKeywords, keywords_parse, skills_suggest


def skill_save(
    *, name: str, slug: str, description: str = "", keywords: Iterable[str] = (), category_slugs: Iterable[str] = ()
) -> Skill:
    """Create or update the skill ``slug`` (the demo loader and imports; curators use the admin)."""
    with transaction.atomic():
        skill, _ = Skill.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "keywords": "\n".join(keywords)}
        )
        skill.categories.set(Category.objects.filter(slug__in=list(category_slugs)))
    return skill


def lesson_skills_set(*, lesson: Lesson, weights: Mapping[str, int]) -> list[LessonSkill]:
    """Make ``weights`` (skill slug → 1–100) the lesson's confirmed skills, replacing what it had."""
    skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=list(weights))}
    missing = sorted(set(weights) - set(skills))
    if missing:
        raise ValueError(f"No such skill: {', '.join(missing)}.")
    with transaction.atomic():
        LessonSkill.objects.filter(lesson=lesson).delete()
        return LessonSkill.objects.bulk_create(
            LessonSkill(lesson=lesson, skill=skills[slug], weight=weight) for slug, weight in weights.items()
        )


def _skill_keywords() -> list[SkillKeywords]:
    return [
        SkillKeywords(
            skill_id=skill.pk,
            keywords=keywords_parse(skill.keywords),
            category_ids=frozenset(category.pk for category in skill.categories.all()),
        )
        for skill in Skill.objects.prefetch_related("categories")
    ]


def lesson_skills_suggest(*, lessons: Sequence[Lesson]) -> int:
    """Suggest skills for lessons that have none yet, from their words and category (lessons/skill_suggestions.py);
    the number of rows made. Two queries for the skills and one INSERT, whatever the number of lessons."""
    if not lessons:
        return 0
    skills = _skill_keywords()
    if not skills:
        return 0
    have = set(LessonSkill.objects.filter(lesson__in=lessons).values_list("lesson_id", flat=True).distinct())
    rows = [
        LessonSkill(lesson=lesson, skill_id=skill_id, weight=weight, suggested=True)
        for lesson in lessons
        if lesson.pk not in have
        for skill_id, weight in skills_suggest(
            skills,
            LessonWords(
                title=lesson.title,
                summary=lesson.summary,
                body=f"{lesson.description}\n{lesson.material}",
                category_id=lesson.category_id or lesson.suggested_category_id,
            ),
        )
    ]
    LessonSkill.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)

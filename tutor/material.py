"""What an explanation is written from: a lesson's material (LessonMaterial), its JSON copy, and its allowed links."""

from __future__ import annotations

import dataclasses
from typing import Any

from lessons.chapters import chapter_url
from lessons.models import Kind, Lesson, LessonStatus, RelatedLesson
from tutor.backends import ChapterMaterial, ConceptMaterial, LessonMaterial, RelatedMaterial

# What to read next: as many related lessons as the lesson page shows.
RELATED_IN_MATERIAL = 4
OWN_PAGES_PREFIX = "/lessons/"

# The kinds of material a lesson may have, as the API and the citations name them.
KIND_DESCRIPTION, KIND_TRANSCRIPT, KIND_ARTICLE, KIND_ABSTRACT = "description", "transcript", "article", "abstract"


def text_kind(lesson_kind: str) -> str:
    """What a lesson's own text (`Lesson.material`) is: a paper's abstract, else an article's body."""
    return KIND_ABSTRACT if lesson_kind == Kind.PAPER else KIND_ARTICLE


def lesson_material(lesson: Lesson, *, with_related: bool = True) -> LessonMaterial:
    """The lesson's own words and structure, and its published related lessons (three queries at most; one, the
    chapters, without the related lessons)."""
    chapters = tuple(
        ChapterMaterial(
            start_seconds=chapter.start_seconds,
            title=chapter.title,
            url=chapter_url(lesson.external_url, chapter.start_seconds, lesson.kind),
        )
        for chapter in lesson.chapters.order_by("start_seconds")
    )
    related_rows = (
        RelatedLesson.objects.filter(lesson=lesson, related__status=LessonStatus.PUBLISHED)
        .select_related("related")
        .order_by("-curated", "position", "-score", "id")
    )
    related: list[RelatedMaterial] = []
    seen = {lesson.pk}
    for row in related_rows if with_related else ():
        if row.related_id in seen:
            continue
        seen.add(row.related_id)
        related.append(
            RelatedMaterial(title=row.related.title, summary=row.related.summary, url=row.related.get_absolute_url())
        )
        if len(related) == RELATED_IN_MATERIAL:
            break
    return LessonMaterial(
        title=lesson.title,
        source_name=lesson.source.name,
        level=lesson.get_level_display(),
        category=lesson.category.name if lesson.category is not None else "",
        url=lesson.external_url,
        description=lesson.description,
        chapters=chapters,
        transcript=lesson.transcript,
        related=tuple(related),
        duration_seconds=lesson.duration_seconds,
        material=lesson.material,
        kind=lesson.kind,
    )


def material_to_json(material: LessonMaterial) -> dict[str, Any]:
    return dataclasses.asdict(material)


def material_from_json(data: dict[str, Any]) -> LessonMaterial:
    return LessonMaterial(
        **{
            **data,
            "chapters": tuple(ChapterMaterial(**chapter) for chapter in data.get("chapters", ())),
            "related": tuple(RelatedMaterial(**item) for item in data.get("related", ())),
            "concepts": tuple(
                ConceptMaterial(**{**item, "passages": tuple(item.get("passages", ()))})
                for item in data.get("concepts", ())
            ),
        }
    )


def allowed_link_prefixes(material: LessonMaterial) -> list[str]:
    """Links an explanation may keep: the lesson itself, its chapters' moments, and our own lesson pages."""
    return [material.url, *(chapter.url for chapter in material.chapters), OWN_PAGES_PREFIX]

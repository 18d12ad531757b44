"""The catalog: filters, search, pages of cards, and the filter choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat

from lessons.models import (
    Category,
    Course,
    CourseLesson,
    Lesson,
    Level,
    Skill,
    Source,
)
from lessons.search import lessons_search, search_count_capped
from lessons.selectors.cards import LessonCard, _card, lesson_cards_queryset

CATALOG_PAGE_SIZE = 12


@dataclass(frozen=True)
class CatalogFilters:
    course: str = ""
    category: str = ""
    level: str = ""
    source: int | None = None
    q: str = ""
    skill: str = ""

    @property
    def active(self) -> bool:
        return bool(self.course or self.category or self.level or self.source or self.q or self.skill)


@dataclass(frozen=True)
class CatalogPage:
    page: Page
    cards: list[LessonCard]
    count: int
    count_capped: bool = False  # a search that matched more lessons than it ranks (lessons/search.py)


@dataclass(frozen=True)
class FilterChoices:
    courses: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, "icon name")
    sources: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    skills: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    levels: list[tuple[str, str]] = field(default_factory=lambda: list(Level.choices))


def catalog_queryset(*, user: Any, filters: CatalogFilters) -> QuerySet[Lesson]:
    """Visible lessons matching ``filters``: a course's lessons come in course order, a search best match first."""
    lessons = lesson_cards_queryset(user=user)
    if filters.category:
        lessons = lessons.filter(category__slug=filters.category)
    if filters.level:
        lessons = lessons.filter(level=filters.level)
    if filters.source:
        lessons = lessons.filter(source_id=filters.source)
    if filters.skill:
        lessons = lessons.filter(lesson_skills__skill__slug=filters.skill)  # at most one row per lesson and skill
    if filters.course:
        position = CourseLesson.objects.filter(course__slug=filters.course, lesson=OuterRef("pk")).values("position")
        lessons = (
            lessons.filter(course_lessons__course__slug=filters.course)
            .annotate(course_position=Subquery(position[:1]))
            .order_by("course_position", "id")
        )
    if filters.q:
        lessons = lessons_search(lessons, filters.q)
    return lessons


def catalog_page_get(*, user: Any, filters: CatalogFilters, page: int | str | None = 1) -> CatalogPage:
    """One page of the catalog (two queries: the count and the page). Out-of-range pages give the last page."""
    paginator = Paginator(catalog_queryset(user=user, filters=filters), CATALOG_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    count = paginator.count
    return CatalogPage(
        page=page_obj,
        cards=[_card(lesson) for lesson in page_obj],
        count=count,
        count_capped=bool(filters.q) and search_count_capped(count),
    )


def catalog_slice_get(*, user: Any, filters: CatalogFilters, page: int) -> tuple[int, list[LessonCard]]:
    """(count, cards) of page ``page`` (1-based); a page past the end is empty rather than an error (the API's rule)."""
    lessons = catalog_queryset(user=user, filters=filters)
    count = lessons.count()
    start = (page - 1) * CATALOG_PAGE_SIZE
    if start >= count:
        return count, []
    return count, [_card(lesson) for lesson in lessons[start : start + CATALOG_PAGE_SIZE]]


def catalog_filter_choices() -> FilterChoices:
    """Courses, categories, sources and skills for the catalog's filters, in one query (a UNION of the four tables)."""
    courses = (
        Course.objects.annotate(group=Value("course"), key=Cast("slug", CharField()), label=Cast("title", CharField()))
        .order_by()
        .values_list("group", "key", "label", "title")
    )
    categories = (
        Category.objects.annotate(
            group=Value("category"),
            key=Cast("slug", CharField()),
            label=Concat("icon", Value(" "), "name", output_field=CharField()),
        )
        .order_by()
        .values_list("group", "key", "label", "name")
    )
    sources = (
        Source.objects.annotate(group=Value("source"), key=Cast("pk", CharField()), label=Cast("name", CharField()))
        .order_by()
        .values_list("group", "key", "label", "name")
    )
    skills = (
        Skill.objects.annotate(group=Value("skill"), key=Cast("slug", CharField()), label=Cast("name", CharField()))
        .order_by()
        .values_list("group", "key", "label", "name")
    )
    rows: dict[str, list[tuple[str, str, str]]] = {"course": [], "category": [], "source": [], "skill": []}
    for group, key, label, name in courses.union(categories, sources, skills, all=True):
        rows[group].append((name.casefold(), key, label.strip()))
    ordered = {group: [(key, label) for _, key, label in sorted(items)] for group, items in rows.items()}
    return FilterChoices(
        courses=ordered["course"], categories=ordered["category"], sources=ordered["source"], skills=ordered["skill"]
    )

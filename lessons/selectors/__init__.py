"""Reads for the catalog, one module per page or use case: `cards` (shared), `lesson_page`, `catalog`, `courses`.

Import from here (`from lessons.selectors import lesson_detail_get`); every selector runs a fixed number of queries
whatever the number of chapters, related lessons or results (tests/lessons/test_query_budgets.py pins them)."""

from lessons.selectors.cards import CARD_DEFERRED, LessonCard, lesson_cards_queryset
from lessons.selectors.catalog import (
    CATALOG_PAGE_SIZE,
    CatalogFilters,
    CatalogPage,
    FilterChoices,
    catalog_filter_choices,
    catalog_page_get,
    catalog_queryset,
    catalog_slice_get,
)
from lessons.selectors.courses import (
    HOME_NEW_LESSONS,
    CourseDetail,
    CourseItem,
    CourseProgress,
    Home,
    course_detail_get,
    course_get,
    courses_list,
    home_get,
    lessons_in_progress_for,
    my_courses_list,
)
from lessons.selectors.export import export_for
from lessons.selectors.lesson_page import (
    RELATED_SHOWN,
    ChapterLink,
    LearnerParts,
    LessonDetail,
    UpNext,
    course_followed_get,
    course_up_next,
    learner_parts_get,
    lesson_detail_get,
    lesson_get_visible,
    lesson_published_get,
)

__all__ = [
    "CARD_DEFERRED",
    "CATALOG_PAGE_SIZE",
    "HOME_NEW_LESSONS",
    "RELATED_SHOWN",
    "CatalogFilters",
    "CatalogPage",
    "ChapterLink",
    "CourseDetail",
    "CourseItem",
    "CourseProgress",
    "FilterChoices",
    "Home",
    "LearnerParts",
    "LessonCard",
    "LessonDetail",
    "UpNext",
    "catalog_filter_choices",
    "catalog_page_get",
    "catalog_queryset",
    "catalog_slice_get",
    "course_detail_get",
    "course_followed_get",
    "course_get",
    "course_up_next",
    "courses_list",
    "export_for",
    "home_get",
    "learner_parts_get",
    "lesson_cards_queryset",
    "lesson_detail_get",
    "lesson_get_visible",
    "lesson_published_get",
    "lessons_in_progress_for",
    "my_courses_list",
]

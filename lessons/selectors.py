"""Reads for the catalog: the lesson page (shared by the site and the API), the catalog, courses and the home page.

Every selector runs a fixed number of queries whatever the number of chapters, related lessons or results
(tests/lessons/test_query_budgets.py pins them): progress marks ride along as EXISTS annotations and related
lessons come in one prefetch.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat

from accounts.models import User
from lessons.chapters import chapter_url, timestamp_format
from lessons.exceptions import CourseNotFound, LessonNotFound
from lessons.models import (
    Category,
    Course,
    CourseLesson,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonStatus,
    Level,
    RelatedLesson,
    Source,
)
from lessons.search import lessons_search

CATALOG_PAGE_SIZE = 12
RELATED_SHOWN = 4
HOME_NEW_LESSONS = 6
_WHITESPACE = re.compile(r"\s+")
_CLOSING = tuple(".!?…)]}\"'”’»")
# A card never shows these, and a transcript can run to a hundred kilobytes: lists and the lesson page's related,
# up-next and course lessons leave them in the database. The lesson page shows its own description, not its transcript.
CARD_DEFERRED = ("description", "transcript")


@dataclass(frozen=True)
class LessonCard:
    """A lesson as lists show it, with the learner's marks."""

    lesson: Lesson
    started: bool = False
    completed: bool = False


@dataclass(frozen=True)
class ChapterLink:
    start_seconds: int
    title: str
    timestamp: str  # "1:17"
    url: str  # into the video at its time where the platform allows it
    truncated: bool = False


@dataclass(frozen=True)
class UpNext:
    card: LessonCard
    reason: str
    course: Course | None = None  # set when it is the next lesson of the course the learner follows


@dataclass(frozen=True)
class LessonDetail:
    """Everything the lesson page and GET /api/v1/lessons/{slug} show. Other apps (the tutor) extend it by
    wrapping it, not by querying the lesson again."""

    card: LessonCard
    chapters: list[ChapterLink]
    related: list[LessonCard]
    up_next: UpNext | None
    course: Course | None  # the course the learner follows through this lesson, if any
    course_position: int | None = None  # 1-based place of the lesson in that course
    course_length: int | None = None

    @property
    def lesson(self) -> Lesson:
        return self.card.lesson

    @property
    def link_label(self) -> str:
        return self.lesson.link_label


@dataclass(frozen=True)
class CatalogFilters:
    course: str = ""
    category: str = ""
    level: str = ""
    source: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.course or self.category or self.level or self.source or self.q)


@dataclass(frozen=True)
class CatalogPage:
    page: Page
    cards: list[LessonCard]
    count: int


@dataclass(frozen=True)
class FilterChoices:
    courses: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, "icon name")
    sources: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    levels: list[tuple[str, str]] = field(default_factory=lambda: list(Level.choices))


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    total: int
    completed: int
    enrolled: bool
    resume_slug: str | None  # the first lesson not completed, in course order; None when all are done

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.completed >= self.total


@dataclass(frozen=True)
class CourseItem:
    position: int
    card: LessonCard


@dataclass(frozen=True)
class CourseDetail:
    progress: CourseProgress
    items: list[CourseItem]

    @property
    def course(self) -> Course:
        return self.progress.course


@dataclass(frozen=True)
class Home:
    continue_learning: list[CourseProgress]
    courses: list[CourseProgress]
    new_lessons: list[LessonCard]


# --- Shared building blocks -----------------------------------------------------------------------------------------


def _signed_in(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _marks(user: User | None, lesson_ref: str) -> dict[str, Any]:
    """EXISTS annotations saying whether ``user`` started / completed the lesson ``lesson_ref`` points at."""
    if user is None:
        return {"is_started": Value(False), "is_completed": Value(False)}
    progress = LessonProgress.objects.filter(user=user, lesson=OuterRef(lesson_ref))
    return {
        "is_started": Exists(progress.filter(started_at__isnull=False)),
        "is_completed": Exists(progress.filter(completed_at__isnull=False)),
    }


def _card(lesson: Lesson, prefix: str = "") -> LessonCard:
    return LessonCard(
        lesson=lesson,
        started=bool(getattr(lesson, f"{prefix}is_started", False)),
        completed=bool(getattr(lesson, f"{prefix}is_completed", False)),
    )


def lesson_cards_queryset(*, user: Any) -> QuerySet[Lesson]:
    """Visible lessons with what a card shows (source, category) and the learner's marks, in one query."""
    return (
        Lesson.objects.visible_to(user)
        .select_related("source", "category")
        .defer(*CARD_DEFERRED)
        .annotate(**_marks(_signed_in(user), "pk"))
    )


# --- The lesson page ------------------------------------------------------------------------------------------------


def lesson_detail_get(*, slug: str, user: Any, course_slug: str | None = None) -> LessonDetail:
    """The lesson page's content for ``user`` (anonymous allowed); raises LessonNotFound.

    "Up next" is the next lesson of the course the learner follows through this lesson (``course_slug`` when the
    lesson is in it, else the learner's latest enrolment that holds it), else the curated up-next lesson, else the
    first related lesson. Queries: the lesson (+ up next), its chapters, its related lessons, and, for a signed-in
    learner or a ``course_slug``, the course's lessons.
    """
    learner = _signed_in(user)
    up_next_marks = {f"up_next_{name}": value for name, value in _marks(learner, "up_next").items()}
    related_rows = (
        RelatedLesson.objects.filter(**{f"related__{key}": value for key, value in _visible_lookup(user).items()})
        .select_related("related__source", "related__category")
        .defer(*(f"related__{name}" for name in CARD_DEFERRED))
        .annotate(**{f"related_{name}": value for name, value in _marks(learner, "related").items()})
        .order_by("-curated", "position", "-score", "id")
    )
    try:
        lesson = (
            Lesson.objects.visible_to(user)
            .select_related("source", "category", "up_next__source", "up_next__category")
            .defer("transcript", *(f"up_next__{name}" for name in CARD_DEFERRED))
            .annotate(**_marks(learner, "pk"), **up_next_marks)
            .prefetch_related("chapters", Prefetch("related_links", queryset=related_rows, to_attr="related_rows"))
            .get(slug=slug)
        )
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None

    chapters = [
        ChapterLink(
            start_seconds=chapter.start_seconds,
            title=chapter.title,
            timestamp=timestamp_format(chapter.start_seconds),
            url=chapter_url(lesson.external_url, chapter.start_seconds, lesson.kind),
        )
        for chapter in lesson.chapters.all()
    ]
    if chapters and _cut_off_after(lesson.description, chapters[-1].title):
        chapters[-1] = dataclasses.replace(chapters[-1], truncated=True)

    related: list[LessonCard] = []
    seen = {lesson.pk}
    for row in getattr(lesson, "related_rows", []):
        if row.related_id in seen:
            continue  # a pair both curated and computed (until the next recompute) shows once, as curated
        seen.add(row.related_id)
        related.append(_row_card(row, "related"))
        if len(related) == RELATED_SHOWN:
            break

    course, position, length, course_next = _course_followed(lesson=lesson, user=user, course_slug=course_slug)
    up_next: UpNext | None = None
    if course is not None and course_next is not None:
        up_next = UpNext(
            card=course_next,
            reason=f"Next in “{course.title}”: lesson {(position or 0) + 1} of {length}.",
            course=course,
        )
    elif lesson.up_next is not None and (lesson.up_next.is_published or getattr(user, "is_staff", False)):
        up_next = UpNext(
            card=_card(lesson.up_next, prefix="up_next_"),
            reason=lesson.up_next_reason or "Picked by our curators to follow this lesson.",
        )
    elif related:
        up_next = UpNext(card=related[0], reason="The closest related lesson to this one.")

    return LessonDetail(
        card=_card(lesson),
        chapters=chapters,
        related=related,
        up_next=up_next,
        course=course,
        course_position=position,
        course_length=length,
    )


def _cut_off_after(description: str, last_title: str) -> bool:
    """Whether the description stops right after the last chapter's title, mid-word (the seed's "Could top AI
    rese"): the parser's rule, applied to the stored text so the page can say the title was cut off."""
    text = _WHITESPACE.sub(" ", description)
    return text.endswith(last_title) and not last_title.endswith(_CLOSING)


def _row_card(row: Any, field: str) -> LessonCard:
    """The card of the lesson a row points at (``row.<field>``), with the marks annotated on the row as
    ``<field>_is_started`` / ``<field>_is_completed`` by ``_marks(user, field)``."""
    return LessonCard(
        lesson=getattr(row, field),
        started=bool(getattr(row, f"{field}_is_started", False)),
        completed=bool(getattr(row, f"{field}_is_completed", False)),
    )


def _visible_lookup(user: Any) -> dict[str, str]:
    return {} if getattr(user, "is_staff", False) else {"status": LessonStatus.PUBLISHED}


def _course_followed(
    *, lesson: Lesson, user: Any, course_slug: str | None
) -> tuple[Course | None, int | None, int | None, LessonCard | None]:
    """(course, 1-based position of ``lesson``, number of lessons, next lesson's card) for the course the learner
    follows through this lesson; all None when there is none. One query, none for a visitor without a course."""
    learner = _signed_in(user)
    if learner is None and not course_slug:
        return None, None, None, None
    containing = Q(course__course_lessons__lesson=lesson)
    chosen = Q(course__slug=course_slug) if course_slug else Q(course__enrollments__user=learner)
    if course_slug and learner is not None:
        chosen |= Q(course__enrollments__user=learner)
    course_ids = CourseLesson.objects.filter(containing & chosen).values("course_id")
    enrolled_at = Enrollment.objects.filter(user=learner, course=OuterRef("course")).values("created")[:1]
    # The lesson itself is always in (a staff preview of a draft); its neighbours only when the user may see them.
    rows_visible = (
        Q() if getattr(user, "is_staff", False) else Q(lesson=lesson) | Q(lesson__status=LessonStatus.PUBLISHED)
    )
    rows = list(
        CourseLesson.objects.filter(course_id__in=course_ids)
        .filter(rows_visible)
        .select_related("course", "lesson__source", "lesson__category")
        .defer(*(f"lesson__{name}" for name in CARD_DEFERRED))
        .annotate(
            enrolled_at=Subquery(enrolled_at) if learner is not None else Value(None, output_field=DateTimeField()),
            **{f"lesson_{name}": value for name, value in _marks(learner, "lesson").items()},
        )
        .order_by("course_id", "position", "id")
    )
    if not rows:
        return None, None, None, None
    by_course: dict[int, list[CourseLesson]] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)

    def preference(course_rows: list[CourseLesson]) -> tuple[int, str]:
        first = course_rows[0]
        named = 1 if course_slug and first.course.slug == course_slug else 0
        enrolled = getattr(first, "enrolled_at", None)
        return named, enrolled.isoformat() if enrolled else ""

    course_rows = max(by_course.values(), key=preference)
    index = next(index for index, row in enumerate(course_rows) if row.lesson_id == lesson.pk)
    following = course_rows[index + 1] if index + 1 < len(course_rows) else None
    next_card = _row_card(following, "lesson") if following is not None else None
    return course_rows[0].course, index + 1, len(course_rows), next_card


def lesson_get_visible(*, pk: int, user: Any) -> Lesson:
    """The lesson with this id if ``user`` may see it; raises LessonNotFound."""
    try:
        return Lesson.objects.visible_to(user).only("slug").get(pk=pk)
    except Lesson.DoesNotExist:
        raise LessonNotFound(str(pk)) from None


def lesson_published_get(*, slug: str) -> Lesson:
    try:
        return Lesson.objects.published().get(slug=slug)
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None


# --- The catalog ----------------------------------------------------------------------------------------------------


def catalog_queryset(*, user: Any, filters: CatalogFilters) -> QuerySet[Lesson]:
    """Visible lessons matching ``filters``: a course's lessons come in course order, a search best match first."""
    lessons = lesson_cards_queryset(user=user)
    if filters.category:
        lessons = lessons.filter(category__slug=filters.category)
    if filters.level:
        lessons = lessons.filter(level=filters.level)
    if filters.source:
        lessons = lessons.filter(source_id=filters.source)
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
    return CatalogPage(page=page_obj, cards=[_card(lesson) for lesson in page_obj], count=paginator.count)


def catalog_slice_get(*, user: Any, filters: CatalogFilters, page: int) -> tuple[int, list[LessonCard]]:
    """(count, cards) of page ``page`` (1-based); a page past the end is empty rather than an error (the API's rule)."""
    lessons = catalog_queryset(user=user, filters=filters)
    count = lessons.count()
    start = (page - 1) * CATALOG_PAGE_SIZE
    if start >= count:
        return count, []
    return count, [_card(lesson) for lesson in lessons[start : start + CATALOG_PAGE_SIZE]]


def catalog_filter_choices() -> FilterChoices:
    """Courses, categories and sources for the catalog's filters, in one query (a UNION of the three tables)."""
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
    rows: dict[str, list[tuple[str, str, str]]] = {"course": [], "category": [], "source": []}
    for group, key, label, name in courses.union(categories, sources, all=True):
        rows[group].append((name.casefold(), key, label.strip()))
    ordered = {group: [(key, label) for _, key, label in sorted(items)] for group, items in rows.items()}
    return FilterChoices(courses=ordered["course"], categories=ordered["category"], sources=ordered["source"])


# --- Courses and the home page ------------------------------------------------------------------------------------


def _course_progress_annotations(user: User | None) -> dict[str, Any]:
    rows = CourseLesson.objects.filter(course=OuterRef("pk"), lesson__status=LessonStatus.PUBLISHED)
    total = rows.order_by().values("course").annotate(n=Count("pk")).values("n")
    annotations: dict[str, Any] = {"lesson_total": Coalesce(Subquery(total, output_field=IntegerField()), 0)}
    if user is None:
        first = rows.order_by("position", "id").values("lesson__slug")[:1]
        annotations |= {
            "lesson_completed": Value(0),
            "is_enrolled": Value(False),
            "resume_slug": Subquery(first),
        }
        return annotations
    completed_progress = LessonProgress.objects.filter(user=user, lesson=OuterRef("lesson"), completed_at__isnull=False)
    completed = rows.filter(Exists(completed_progress)).order_by().values("course").annotate(n=Count("pk")).values("n")
    unfinished = rows.exclude(Exists(completed_progress)).order_by("position", "id").values("lesson__slug")[:1]
    annotations |= {
        "lesson_completed": Coalesce(Subquery(completed, output_field=IntegerField()), 0),
        "is_enrolled": Exists(Enrollment.objects.filter(user=user, course=OuterRef("pk"))),
        "resume_slug": Subquery(unfinished),
    }
    return annotations


def _course_progress(course: Course) -> CourseProgress:
    return CourseProgress(
        course=course,
        total=getattr(course, "lesson_total", 0),
        completed=getattr(course, "lesson_completed", 0),
        enrolled=bool(getattr(course, "is_enrolled", False)),
        resume_slug=getattr(course, "resume_slug", None),
    )


def courses_list(*, user: Any) -> list[CourseProgress]:
    """Every course with its size and, for a signed-in learner, their progress (one query)."""
    learner = _signed_in(user)
    return [_course_progress(course) for course in Course.objects.annotate(**_course_progress_annotations(learner))]


def my_courses_list(*, user: User) -> list[CourseProgress]:
    """The courses ``user`` enrolled in, latest enrolment first (one query)."""
    enrolled_at = Enrollment.objects.filter(user=user, course=OuterRef("pk")).values("created")[:1]
    courses = (
        Course.objects.annotate(enrolled_at=Subquery(enrolled_at), **_course_progress_annotations(user))
        .filter(enrolled_at__isnull=False)
        .order_by("-enrolled_at", "pk")
    )
    return [_course_progress(course) for course in courses]


def course_detail_get(*, slug: str, user: Any) -> CourseDetail:
    """A course with its lessons in order and the learner's progress (two queries); raises CourseNotFound."""
    learner = _signed_in(user)
    try:
        course = Course.objects.annotate(**_course_progress_annotations(learner)).get(slug=slug)
    except Course.DoesNotExist:
        raise CourseNotFound(slug) from None
    rows = (
        CourseLesson.objects.filter(course=course, **{f"lesson__{k}": v for k, v in _visible_lookup(user).items()})
        .select_related("lesson__source", "lesson__category")
        .defer(*(f"lesson__{name}" for name in CARD_DEFERRED))
        .annotate(**{f"lesson_{name}": value for name, value in _marks(learner, "lesson").items()})
        .order_by("position", "id")
    )
    items = [CourseItem(position=number, card=_row_card(row, "lesson")) for number, row in enumerate(rows, start=1)]
    return CourseDetail(progress=_course_progress(course), items=items)


def course_get(*, slug: str) -> Course:
    try:
        return Course.objects.get(slug=slug)
    except Course.DoesNotExist:
        raise CourseNotFound(slug) from None


def home_get(*, user: Any) -> Home:
    """The home page: courses the learner follows, every course, and the newest lessons (two queries)."""
    courses = courses_list(user=user)
    newest = lesson_cards_queryset(user=user).filter(status=LessonStatus.PUBLISHED)[:HOME_NEW_LESSONS]
    new_lessons = [_card(lesson) for lesson in newest]
    return Home(
        continue_learning=[progress for progress in courses if progress.enrolled],
        courses=courses,
        new_lessons=new_lessons,
    )

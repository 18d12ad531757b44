"""The seed lesson built for tests from tests/fixtures/seed_lesson.json (no courses, users or recompute)."""

from datetime import date, timedelta

from django.utils import timezone

from lessons.chapters import chapters_parse
from lessons.models import Category, Lesson, Level, RelatedLesson, Source
from lessons.services import chapters_replace
from tests import seed

LEVELS = {"Beginner": Level.BEGINNER, "Intermediate": Level.INTERMEDIATE, "Advanced": Level.ADVANCED}


def seed_item_lesson_create(item: seed.SeedLesson) -> Lesson:
    """One fixture lesson with its category, source and parsed chapters (no related lessons, no up next)."""
    category_item = next(category for category in seed.SEED_CATEGORIES if category["slug"] == item.category)
    source_item = next(source for source in seed.SEED_SOURCES if source["name"] == item.source)
    category, _ = Category.objects.get_or_create(
        slug=category_item["slug"], defaults={"name": category_item["name"], "icon": category_item["icon"]}
    )
    source, _ = Source.objects.get_or_create(
        name=source_item["name"], defaults={"kind": source_item["kind"], "url": source_item["url"]}
    )
    published = date.fromisoformat(item.published_on) if item.published_on else None
    lesson = Lesson.objects.create(
        slug=item.slug,
        title=item.title,
        authors=item.authors,
        source=source,
        kind=item.kind,
        external_url=item.external_url,
        level=LEVELS[item.level],
        category=category,
        summary=item.summary,
        description=item.description,
        duration_seconds=item.duration_minutes * 60,
        published_at=published or timezone.localdate() - timedelta(days=item.published_days_ago or 0),
        status=Lesson.Status.PUBLISHED,
    )
    chapters_replace(lesson=lesson, chapters=chapters_parse(item.description))
    return lesson


def seed_lesson_create() -> Lesson:
    """The seed page's lesson: its 11 chapters, its 4 curated related lessons and its curated "Up next"."""
    lesson = seed_item_lesson_create(seed.SEED_LESSON)
    neighbours = {item.slug: seed_item_lesson_create(item) for item in seed.SEED_NEIGHBOURS}
    for position, slug in enumerate(seed.SEED_LESSON.related, start=1):
        RelatedLesson.objects.create(lesson=lesson, related=neighbours[slug], position=position, curated=True)
    lesson.up_next = neighbours[seed.SEED_LESSON.up_next]
    lesson.up_next_reason = seed.SEED_LESSON.up_next_why
    lesson.save()
    return lesson

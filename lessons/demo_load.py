"""Load the demo catalog (lessons/demo_data.py) into the database; safe to run twice (rows are keyed by slug)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lessons import demo_data
from lessons.chapters import chapters_parse
from lessons.demo_material import DEMO_MATERIAL
from lessons.demo_sources import demo_feeds_attach
from lessons.models import Category, Course, Lesson, Level, RelatedLesson, Source
from lessons.related import related_recompute
from lessons.services import chapters_replace, course_lessons_set

_LEVELS = {
    demo_data.BEGINNER: Level.BEGINNER,
    demo_data.INTERMEDIATE: Level.INTERMEDIATE,
    demo_data.ADVANCED: Level.ADVANCED,
}


@dataclass(frozen=True)
class DemoLoaded:
    categories: int
    sources: int
    lessons: int
    chapters: int
    courses: int
    curated_related: int
    computed_related: int
    users: list[str]

    def summary(self) -> str:
        return (
            f"Demo catalog loaded: {self.categories} categories, {self.sources} sources, {self.lessons} lessons "
            f"({self.chapters} chapters), {self.courses} courses, {self.curated_related} curated and "
            f"{self.computed_related} computed related lessons; users: {', '.join(self.users)}."
        )


def demo_catalog_load(*, today: date | None = None) -> DemoLoaded:
    """Create or update every demo row. Lessons dated "N days ago" are dated from ``today`` (default: now)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        categories = {
            item.slug: Category.objects.update_or_create(
                slug=item.slug, defaults={"name": item.name, "icon": item.icon}
            )[0]
            for item in demo_data.CATEGORIES
        }
        sources = {
            item.name: Source.objects.update_or_create(name=item.name, defaults={"kind": item.kind, "url": item.url})[0]
            for item in demo_data.SOURCES
        }
        demo_feeds_attach(sources=sources)
        lessons: dict[str, Lesson] = {}
        chapter_count = 0
        for item in demo_data.ALL_LESSONS:
            published_at = item.published_on or today - timedelta(days=item.published_days_ago or 0)
            lesson, _ = Lesson.objects.update_or_create(
                slug=item.slug,
                defaults={
                    "title": item.title,
                    "authors": item.authors,
                    "source": sources[item.source],
                    "kind": item.kind,
                    "external_url": item.external_url,
                    "level": _LEVELS[item.level],
                    "category": categories[item.category],
                    "summary": item.summary,
                    "description": item.description,
                    "duration_seconds": item.duration_minutes * 60,
                    "published_at": published_at,
                    "status": Lesson.Status.PUBLISHED,
                    **({"material": DEMO_MATERIAL[item.slug]} if item.slug in DEMO_MATERIAL else {}),
                },
            )
            chapter_count += chapters_replace(lesson=lesson, chapters=chapters_parse(item.description))
            lessons[item.slug] = lesson

        curated = 0
        for item in demo_data.ALL_LESSONS:
            lesson = lessons[item.slug]
            lesson.up_next = lessons[item.up_next] if item.up_next else None
            lesson.up_next_reason = item.up_next_why
            lesson.save(update_fields=["up_next", "up_next_reason", "updated"])
            RelatedLesson.objects.filter(lesson=lesson, curated=True).exclude(related__slug__in=item.related).delete()
            for position, slug in enumerate(item.related, start=1):
                RelatedLesson.objects.update_or_create(
                    lesson=lesson, related=lessons[slug], curated=True, defaults={"position": position, "score": 0.0}
                )
                curated += 1

        for course_item in demo_data.COURSES:
            course, _ = Course.objects.update_or_create(
                slug=course_item.slug,
                defaults={
                    "title": course_item.title,
                    "description": course_item.description,
                    "level": _LEVELS[course_item.level],
                },
            )
            course_lessons_set(course=course, lessons=[lessons[slug] for slug in course_item.lessons])

        emails = [_demo_user_save(user) for user in demo_data.USERS]
    computed = related_recompute()
    return DemoLoaded(
        categories=len(categories),
        sources=len(sources),
        lessons=len(lessons),
        chapters=chapter_count,
        courses=len(demo_data.COURSES),
        curated_related=curated,
        computed_related=computed.rows,
        users=emails,
    )


def _demo_user_save(item: demo_data.DemoUser) -> str:
    user, created = User.objects.update_or_create(
        email=item.email,
        defaults={
            "display_name": item.display_name,
            "is_staff": item.is_staff,
            "is_superuser": item.is_superuser,
            "is_active": True,
        },
    )
    # Only when it changed: hashing is slow on purpose, and a second run should not churn the row.
    if created or not user.check_password(item.password):
        user.set_password(item.password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=item.email, defaults={"verified": True, "primary": True})
    return item.email

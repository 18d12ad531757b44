"""Load the demo (demo/data.py, demo/questions.py) through the owning apps' services; safe to run twice (rows are
keyed by slug, email or prompt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.services import user_with_verified_email_save
from credits.services import signup_bonus_grant
from demo import data as demo_data
from demo.material import DEMO_MATERIAL
from demo.questions import DEMO_QUESTIONS
from demo.skills import DEMO_LESSON_SKILLS, DEMO_SKILLS
from demo.sources import demo_feeds_attach
from gamification.leagues import week_key
from gamification.services import Gains, profile_locked
from gamification.services.xp import xp_add
from lessons.chapters import chapters_parse
from lessons.models import Lesson, Level
from lessons.related import related_recompute
from lessons.services import (
    category_save,
    chapters_replace,
    course_lessons_set,
    course_save,
    lesson_curation_set,
    lesson_save,
    lesson_skills_set,
    skill_save,
    source_save,
)
from practice.services import ChoiceText, check_question_add

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
    skills: int = 0

    def summary(self) -> str:
        return (
            f"Demo catalog loaded: {self.categories} categories, {self.sources} sources, {self.lessons} lessons "
            f"({self.chapters} chapters), {self.skills} skills, {self.courses} courses, "
            f"{self.curated_related} curated and {self.computed_related} computed related lessons; "
            f"users: {', '.join(self.users)}."
        )


def demo_catalog_load(*, today: date | None = None) -> DemoLoaded:
    """Create or update every demo row. Lessons dated "N days ago" are dated from ``today`` (default: now)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        categories = {
            item.slug: category_save(slug=item.slug, name=item.name, icon=item.icon) for item in demo_data.CATEGORIES
        }
        sources = {item.name: source_save(name=item.name, kind=item.kind, url=item.url) for item in demo_data.SOURCES}
        demo_feeds_attach(sources=sources)
        lessons: dict[str, Lesson] = {}
        chapter_count = 0
        for item in demo_data.ALL_LESSONS:
            published_at = item.published_on or today - timedelta(days=item.published_days_ago or 0)
            lesson = lesson_save(
                slug=item.slug,
                fields={
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

        curated = sum(
            lesson_curation_set(
                lesson=lessons[item.slug],
                up_next=lessons[item.up_next] if item.up_next else None,
                up_next_reason=item.up_next_why,
                related=[lessons[slug] for slug in item.related],
            )
            for item in demo_data.ALL_LESSONS
        )

        for skill in DEMO_SKILLS:
            skill_save(
                name=skill.name,
                slug=skill.slug,
                description=skill.description,
                keywords=skill.keywords,
                category_slugs=skill.categories,
            )
        for slug, weights in DEMO_LESSON_SKILLS.items():
            lesson_skills_set(lesson=lessons[slug], weights=weights)

        for course_item in demo_data.COURSES:
            course = course_save(
                slug=course_item.slug,
                title=course_item.title,
                description=course_item.description,
                level=_LEVELS[course_item.level],
            )
            course_lessons_set(course=course, lessons=[lessons[slug] for slug in course_item.lessons])

        emails = [_demo_user_save(user) for user in demo_data.USERS]
        demo_league_fill()
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
        skills=len(DEMO_SKILLS),
    )


def _demo_user_save(item: demo_data.DemoUser) -> str:
    user = user_with_verified_email_save(
        email=item.email,
        password=item.password,
        display_name=item.display_name,
        is_staff=item.is_staff,
        is_superuser=item.is_superuser,
    )
    signup_bonus_grant(user=user)  # their address is verified, as a confirmed sign-up's is; paid once
    return item.email


# Learners who already earned XP this week, so a newcomer's leaderboard shows what a weekly league is. They take
# their seats with this XP; one key per learner and week, so a second load in the same week adds nothing.
DEMO_LEAGUE = (("Grace", 140), ("Alan", 95), ("Katherine", 70), ("Edsger", 45), ("Barbara", 20))
DEMO_LEAGUE_PASSWORD = "league-demo-2026"  # noqa: S105 - demo accounts, like demo.data.USERS


def demo_league_fill(*, now: datetime | None = None) -> int:
    """Give each demo league learner their XP of this week (once per week); returns how many got it now."""
    now = now or timezone.now()
    given = 0
    for name, xp in DEMO_LEAGUE:
        user = user_with_verified_email_save(
            email=f"league-{name.lower()}@example.com", password=DEMO_LEAGUE_PASSWORD, display_name=name
        )
        with transaction.atomic():
            profile = profile_locked(user=user)
            given += xp_add(
                profile=profile,
                amount=xp,
                reason="Demo: lessons this week",
                reference="",
                idempotency_key=f"demo-league:{week_key(now)}",
                now=now,
                gains=Gains(),
            )
    return given


@dataclass(frozen=True)
class DemoQuestionsLoaded:
    added: int
    already_there: int
    skipped_slugs: list[str]


def demo_questions_load() -> DemoQuestionsLoaded:
    """Add the demo check questions to the demo lessons (after `demo_catalog_load`)."""
    lessons = Lesson.objects.in_bulk([question.lesson_slug for question in DEMO_QUESTIONS], field_name="slug")
    added, skipped = 0, []
    with transaction.atomic():
        for position, question in enumerate(DEMO_QUESTIONS):
            lesson = lessons.get(question.lesson_slug)
            if lesson is None:
                skipped.append(question.lesson_slug)
                continue
            choices = [ChoiceText(text=c.text, correct=c.correct, explanation=c.explanation) for c in question.choices]
            added += check_question_add(lesson=lesson, prompt=question.prompt, position=position, choices=choices)
    return DemoQuestionsLoaded(
        added=added, already_there=len(DEMO_QUESTIONS) - added - len(skipped), skipped_slugs=skipped
    )

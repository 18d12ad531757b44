"""factory_boy factories for lessons: categories, sources, lessons, chapters, courses and a learner's progress."""

import factory
from django.utils import timezone

from lessons.models import (
    Category,
    Chapter,
    Course,
    CourseLesson,
    Enrollment,
    Kind,
    Lesson,
    LessonProgress,
    LessonSkill,
    Level,
    RelatedLesson,
    Skill,
    Source,
)
from tests.accounts.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    icon = "📄"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Kind.ARTICLE


class LessonFactory(factory.django.DjangoModelFactory):
    """A published article lesson; pass status=Lesson.Status.DRAFT for a draft."""

    class Meta:
        model = Lesson

    title = factory.Sequence(lambda n: f"Lesson number {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    source = factory.SubFactory(SourceFactory)
    kind = Kind.ARTICLE
    external_url = factory.Sequence(lambda n: f"https://example.org/articles/{n}")
    level = Level.BEGINNER
    category = factory.SubFactory(CategoryFactory)
    published_at = factory.LazyFunction(timezone.localdate)
    summary = factory.LazyAttribute(lambda lesson: f"Learn what {lesson.title.lower()} teaches")
    description = "A lesson written for the tests."
    status = Lesson.Status.PUBLISHED


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    lesson = factory.SubFactory(LessonFactory)
    start_seconds = factory.Sequence(lambda n: n * 60)
    title = factory.Sequence(lambda n: f"Chapter {n}")
    position = factory.Sequence(lambda n: n)


class RelatedLessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedLesson

    lesson = factory.SubFactory(LessonFactory)
    related = factory.SubFactory(LessonFactory)
    position = factory.Sequence(lambda n: n)
    curated = True


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    description = "A course written for the tests."
    level = Level.BEGINNER


class CourseLessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseLesson

    course = factory.SubFactory(CourseFactory)
    lesson = factory.SubFactory(LessonFactory)
    position = factory.Sequence(lambda n: n + 1)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    user = factory.SubFactory(UserFactory)
    lesson = factory.SubFactory(LessonFactory)
    started_at = factory.LazyFunction(timezone.now)


class PublishedLessonFactory(LessonFactory):
    """A published lesson with a known duration (20 minutes: 5 minutes open before it can be marked done by time)."""

    slug = factory.Sequence(lambda n: f"xp-lesson-{n}")
    duration_seconds = 20 * 60


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    description = "A skill written for the tests."


class LessonSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonSkill

    lesson = factory.SubFactory(LessonFactory)
    skill = factory.SubFactory(SkillFactory)
    weight = 50

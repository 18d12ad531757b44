"""factory_boy factories shared by the suite. Each app's factories join this module as the apps arrive."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Learner {n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        """Users made by tests have a verified primary email unless they ask otherwise (verified=False).

        A verified address earns the welcome bonus, as confirming it does in the product (credits/signals.py).
        """
        if not create:
            return
        obj.save()
        if extracted is not False:
            from credits.services import signup_bonus_grant  # imported late: credits sits above accounts

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
            signup_bonus_grant(user=obj)


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


# --- lessons -------------------------------------------------------------------------------------------------------
# Imported here rather than at the top so this section stays one block that the lessons app owns.
from django.utils import timezone  # noqa: E402

from lessons.models import (  # noqa: E402
    Category,
    Chapter,
    Course,
    CourseLesson,
    Enrollment,
    Kind,
    Lesson,
    LessonProgress,
    Level,
    RelatedLesson,
    Source,
)


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


# --- gamification: lessons to complete and their check questions ----------------------------------------


class PublishedLessonFactory(LessonFactory):
    """A published lesson with a known duration (20 minutes: 5 minutes open before it can be marked done by time)."""

    slug = factory.Sequence(lambda n: f"xp-lesson-{n}")
    duration_seconds = 20 * 60


class CheckQuestionFactory(factory.django.DjangoModelFactory):
    """A check question with one right answer ("right") and one wrong answer ("wrong")."""

    class Meta:
        model = "gamification.CheckQuestion"
        skip_postgeneration_save = True

    lesson = factory.SubFactory(PublishedLessonFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        if not create:
            return
        obj.choices.create(text="wrong", is_correct=False, explanation="Not this one.", position=1)
        obj.choices.create(text="right", is_correct=True, explanation="This is what the lesson shows.", position=2)


# --- credits: learners whose wallet holds a known balance, reached through the credits services -----------


class LearnerWithCreditsFactory(UserFactory):
    """A verified learner whose wallet holds exactly `credits` ⚡ (default 100), with a ledger the audit accepts.

    `LearnerWithCreditsFactory(credits=30)`. The wallet starts with the signup bonus; the difference is one reward
    or one spend entry ("Test credits"), so balances and statements stay consistent.
    """

    @factory.post_generation
    def credits(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        if not create:
            return
        wallet_fund(obj, 100 if extracted is None else extracted)


def wallet_fund(user, balance: int):
    """Give `user` a wallet holding exactly `balance` ⚡, through the ledger's services only; returns the wallet.

    The wallet starts with the signup bonus; the difference is one reward or one spend entry, so balances,
    statements and `audit_ledger` stay consistent.
    """
    from credits.models import EntryKind  # imported late: factories for accounts load before the credits app
    from credits.services import credits_grant, credits_spend, wallet_get_or_create

    wallet = wallet_get_or_create(user=user)
    difference = balance - wallet.balance
    reason, key = "Test credits", "test-credits"
    if difference > 0:
        credits_grant(user=user, amount=difference, kind=EntryKind.REWARD, reason=reason, idempotency_key=key)
    elif difference < 0:
        credits_spend(user=user, amount=-difference, reason=reason, idempotency_key=key)
    wallet.refresh_from_db()
    assert wallet.balance == balance
    return wallet


# --- credits: packs of ⚡ for sale ---------------------------------------------------------------------


class CreditPackFactory(factory.django.DjangoModelFactory):
    """An active pack: ⚡100 for €4.99 unless told otherwise."""

    class Meta:
        model = "credits.CreditPack"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"pack-{n}")
    name = factory.Sequence(lambda n: f"Pack {n}")
    credits = 100
    price = 499
    currency = "eur"
    active = True
    order = factory.Sequence(lambda n: n)


# --- gamification: XP earned elsewhere -----------------------------------------------------------------


def xp_give(*, user, amount: int, idempotency_key: str, reason: str = "Practice", now=None):
    """Give `user` XP once per key through the path a lesson completion takes; returns the Gains it produced.

    The learner's profile is locked, the XP event appended with everything it moves (level, day, streak, league)
    and the badges it unlocks awarded, all in one transaction, as `lesson_complete` does.
    """
    from django.db import transaction

    from gamification.services import Gains, badges_award, profile_locked
    from gamification.services.xp import xp_add

    gains = Gains()
    now = now or timezone.now()
    with transaction.atomic():
        profile = profile_locked(user=user)
        if xp_add(
            profile=profile,
            amount=amount,
            reason=reason,
            reference="",
            idempotency_key=idempotency_key,
            now=now,
            gains=gains,
        ):
            gains.badges = badges_award(user=user, profile=profile, now=now)
    return gains

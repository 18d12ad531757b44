"""Every app's factories in one import, for tests that use several apps' (and for tests written before the factories
moved to tests/<app>/factories.py). New factories go in their app's module; import from there in new tests."""

from tests.accounts.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory
from tests.credits.factories import LearnerWithCreditsFactory, wallet_fund
from tests.gamification.factories import xp_give
from tests.lessons.factories import (
    CategoryFactory,
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    PublishedLessonFactory,
    RelatedLessonFactory,
    SourceFactory,
)
from tests.practice.factories import CheckQuestionFactory
from tests.purchases.factories import CreditPackFactory

__all__ = [
    "DEFAULT_PASSWORD",
    "CategoryFactory",
    "ChapterFactory",
    "CheckQuestionFactory",
    "CourseFactory",
    "CourseLessonFactory",
    "CreditPackFactory",
    "EnrollmentFactory",
    "LearnerWithCreditsFactory",
    "LessonFactory",
    "LessonProgressFactory",
    "PublishedLessonFactory",
    "RelatedLessonFactory",
    "SourceFactory",
    "StaffUserFactory",
    "UserFactory",
    "wallet_fund",
    "xp_give",
]

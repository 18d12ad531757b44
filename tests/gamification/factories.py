"""factory_boy factories and helpers for gamification: check questions, and XP earned the way a completion earns it."""

import factory
from django.utils import timezone

from tests.lessons.factories import PublishedLessonFactory


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

"""factory_boy helpers for gamification: XP earned the way a completion earns it."""

from django.utils import timezone


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

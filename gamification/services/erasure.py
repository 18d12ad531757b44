"""Erasing a learner from gamification: their XP, streak and badges go, and they leave their league.

XP events are append-only for the learner's own history; an erased learner has no history left to keep. The ⚡ they
were paid stays in the ledger (credits keeps it, under an anonymous owner).
"""

from django.db import transaction
from django.db.models import F

from accounts.models import User
from gamification.models import (
    BadgeAward,
    CourseCompletion,
    DailyActivity,
    FreezePurchase,
    League,
    LeagueMembership,
    LearnerProfile,
    LessonCompletion,
    XPEvent,
)


def user_erase(*, user: User) -> None:
    """Delete every gamification row of the learner; leaderboards and leagues drop them at once."""
    with transaction.atomic():
        # The profile lock first, as every gamification write takes it: no award for this learner runs meanwhile.
        LearnerProfile.objects.select_for_update().filter(user=user).first()
        seats = list(LeagueMembership.objects.filter(user=user, league__isnull=False).values_list("league", flat=True))
        for league in League.objects.select_for_update().filter(pk__in=seats).order_by("pk"):
            League.objects.filter(pk=league.pk, member_count__gt=0).update(member_count=F("member_count") - 1)
        LeagueMembership.objects.filter(user=user).delete()
        # A queryset delete: XPEvent.delete() refuses single deletions, which erasure is not.
        XPEvent.objects.filter(user=user).delete()
        for model in (
            DailyActivity,
            LessonCompletion,
            CourseCompletion,
            BadgeAward,
            FreezePurchase,
            LearnerProfile,
        ):
            model.objects.filter(user=user).delete()

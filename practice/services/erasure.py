"""Erasing a learner from practice: their check answers, review cards and review history go."""

from django.db import transaction

from accounts.models import User
from practice.models import CheckAnswer, ReviewCard, ReviewLog


def user_erase(*, user: User) -> None:
    """Delete every practice row of the learner (the questions themselves are the catalog's and stay)."""
    with transaction.atomic():
        for model in (ReviewLog, ReviewCard, CheckAnswer):
            model.objects.filter(user=user).delete()

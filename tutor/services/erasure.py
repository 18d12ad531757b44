"""Erasing a learner from the tutor: unlocks and refunded reports are part of the money trail, so they pass to the
anonymous owner that takes the wallet (a pending unlock still settles its hold); ratings and words go. Questions
pass on too (a paid one is part of the trail) with the learner's words and ratings removed."""

from django.db import transaction

from accounts.models import User
from tutor.models import Question, Rating, Report, Unlock


def user_erase(*, user: User, owner: User) -> None:
    with transaction.atomic():
        Unlock.objects.filter(user=user).update(user=owner)
        Report.objects.filter(user=user).update(user=owner, comment="")
        Rating.objects.filter(user=user).delete()
        Question.objects.filter(user=user).update(
            user=owner, text="(erased)", stars=None, report_reason="", report_comment=""
        )

"""Whether the learner got the welcome bonus, and if not, why: the statement and the welcome say it in words."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db.models import Q

from accounts.models import User
from credits.models import SignupBonus
from credits.services.signup_bonus import email_normalise, erased_address


class BonusStatus(StrEnum):
    PAID = "paid"
    ALREADY_CLAIMED = "already_claimed"  # this mailbox had it on an earlier (or another) account
    NOT_YET = "not_yet"  # paid when the address is confirmed, or no bonus is set


def signup_bonus_status(*, user: User) -> BonusStatus:
    """One query: this user's bonus row, or another one for the same mailbox (live or erased)."""
    address = email_normalise(user.email)
    owners = list(
        SignupBonus.objects.filter(Q(user=user) | Q(address__in=[address, erased_address(address)])).values_list(
            "user_id", flat=True
        )[:2]
    )
    if user.pk in owners:
        return BonusStatus.PAID
    if owners and int(settings.SIGNUP_BONUS) > 0:
        return BonusStatus.ALREADY_CLAIMED
    return BonusStatus.NOT_YET

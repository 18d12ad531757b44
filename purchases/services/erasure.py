"""Erasing a learner: purchases are part of the money trail, so they pass to the anonymous owner of the wallet.

A Stripe refund or dispute of an old purchase still finds it by its payment intent and takes the credits back from
the same wallet, now the anonymous owner's (credits.services.credits_owner_transfer moved it).
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from purchases.models import Purchase


def purchases_owner_transfer(*, user: User, owner: User) -> None:
    """Hand the learner's purchases to `owner` (the anonymous user the erasure gave their wallet)."""
    with transaction.atomic():
        Purchase.objects.filter(user=user).update(user=owner, updated_at=timezone.now())

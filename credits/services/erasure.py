"""Erasing a learner: the ledger is a financial record, so it is never deleted; it passes to an anonymous owner.

The wallet (with every entry and hold) and the welcome bonus's record change owner in one transaction under the
wallet's lock (the purchases pass to the same owner through `purchases.services.purchases_owner_transfer`).
Nothing about a balance changes and no entry moves to another wallet (the cached balance, held amount and entry
count stay true), so `audit_ledger` holds before and after; a Stripe refund or dispute of an old
purchase finds it by its payment intent and takes the credits back from the same wallet, now the anonymous owner's.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.models import SignupBonus, Wallet
from credits.services.signup_bonus import erased_address


def credits_owner_transfer(*, user: User, owner: User) -> None:
    """Hand the learner's wallet to `owner` (a fresh anonymous user made for this erasure)."""
    with transaction.atomic():
        wallet = Wallet.objects.select_for_update().filter(user=user).first()
        if wallet is not None:
            wallet.user = owner
            wallet.updated_at = timezone.now()
            wallet.save(update_fields=["user", "updated_at"])
        # The bonus stays paid once per mailbox: the record keeps a digest of the address, not the address.
        bonus = SignupBonus.objects.filter(user=user).first()
        if bonus is not None:
            bonus.user, bonus.address = owner, erased_address(bonus.address)
            bonus.save(update_fields=["user", "address"])

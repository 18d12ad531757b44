"""The credits part of a learner's data export."""

from __future__ import annotations

from accounts.models import User
from credits.models import Hold, LedgerEntry, Wallet


def export_for(*, user: User) -> dict[str, object]:
    """The credits part of the learner's data export: the balance, every ledger entry with its reason and the holds
    (the purchases are `purchases.selectors.export_for`)."""
    wallet = Wallet.objects.filter(user=user).first()
    if wallet is None:
        return {"wallet": None, "ledger": [], "holds": []}
    entries = LedgerEntry.objects.filter(wallet=wallet).order_by("created_at", "id")
    holds = Hold.objects.filter(wallet=wallet).order_by("created_at", "id")
    return {
        "wallet": {"balance": wallet.balance, "held": wallet.held, "available": wallet.available},
        "ledger": [
            {
                "id": entry.pk,
                "amount": entry.amount,
                "kind": entry.kind,
                "reason": entry.reason,
                "reference": entry.reference,
                "balance_after": entry.balance_after,
                "created_at": entry.created_at.isoformat(),
            }
            for entry in entries
        ],
        "holds": [
            {
                "amount": hold.amount,
                "reason": hold.reason,
                "reference": hold.reference,
                "status": hold.status,
                "created_at": hold.created_at.isoformat(),
                "expires_at": hold.expires_at.isoformat(),
                "release_reason": hold.release_reason,
            }
            for hold in holds
        ],
    }

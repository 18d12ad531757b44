"""The credits part of a learner's data export."""

from __future__ import annotations

from accounts.models import User
from credits.models import Hold, LedgerEntry, Purchase, Wallet


def export_for(*, user: User) -> dict[str, object]:
    """The credits part of the learner's data export: the balance, every ledger entry with its reason, the holds and
    the purchases. Stripe holds the card details; none are stored here."""
    wallet = Wallet.objects.filter(user=user).first()
    if wallet is None:
        return {"wallet": None, "ledger": [], "holds": [], "purchases": []}
    entries = LedgerEntry.objects.filter(wallet=wallet).order_by("created_at", "id")
    holds = Hold.objects.filter(wallet=wallet).order_by("created_at", "id")
    purchases = Purchase.objects.filter(user=user).select_related("pack").order_by("created_at", "id")
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
        "purchases": [
            {
                "id": purchase.pk,
                "pack": purchase.pack.name,
                "credits": purchase.credits,
                "price": purchase.price,
                "currency": purchase.currency,
                "status": purchase.status,
                "amount_refunded": purchase.amount_refunded,
                "credits_refunded": purchase.credits_refunded,
                "created_at": purchase.created_at.isoformat(),
                "credited_at": purchase.credited_at.isoformat() if purchase.credited_at else None,
            }
            for purchase in purchases
        ],
    }

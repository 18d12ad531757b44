"""Packs on sale, a learner's purchases and their part of the data export."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from purchases.models import CreditPack, Purchase


def packs_on_sale() -> QuerySet[CreditPack]:
    """Active packs in their display order."""
    return CreditPack.objects.filter(active=True).order_by("order", "price", "id")


def pack_on_sale(*, slug: str) -> CreditPack | None:
    return packs_on_sale().filter(slug=slug).first()


def purchases_recent_for(*, user: User, limit: int = 5) -> list[Purchase]:
    """The user's latest purchases, newest first, with their packs."""
    return list(Purchase.objects.filter(user=user).select_related("pack").order_by("-created_at", "-id")[:limit])


def purchase_for(*, user: User, purchase_id: int) -> Purchase | None:
    """One of the user's own purchases; None for someone else's, so pages answer 404 rather than say it exists."""
    return Purchase.objects.filter(user=user, pk=purchase_id).select_related("pack").first()


def export_for(*, user: User) -> list[dict[str, object]]:
    """The learner's purchases for their data export. Stripe holds the card details; none are stored here."""
    purchases = Purchase.objects.filter(user=user).select_related("pack").order_by("created_at", "id")
    return [
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
    ]

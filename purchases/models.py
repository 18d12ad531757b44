"""Packs of ⚡ sold through Stripe Checkout, the purchases that buy them and the Stripe events that settle them.

Only purchases/services/ writes these tables, and it moves credits only through the ledger's services
(`credits.services`). The tables keep the names they had when these models lived in `credits` (the move changed
no data): `db_table` says so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.learner_pages import LearnerRowsQuerySet
from credits.models import IDEMPOTENCY_KEY_LENGTH, LedgerEntry
from purchases.references import purchase_reference


class CreditPack(models.Model):
    """A pack of ⚡ for sale. Prices are integers in the currency's minor units (499 = €4.99), as Stripe takes them."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80, help_text="Shown to learners and on the Stripe checkout page.")
    credits = models.PositiveIntegerField()
    price = models.PositiveIntegerField(help_text="In minor units: 499 is €4.99 (for JPY, 499 is ¥499).")
    currency = models.CharField(max_length=3, default="eur", help_text="ISO 4217 code, lower case (eur, usd, gbp).")
    active = models.BooleanField(default=True, help_text="Only active packs are offered; old purchases keep theirs.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Packs are listed by this number, smallest first.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "credits_creditpack"
        ordering = ("order", "price", "id")
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="credits_pack_credits_positive"),
            # A free pack would make Stripe answer "no payment required": packs are always paid for.
            models.CheckConstraint(condition=Q(price__gt=0), name="credits_pack_price_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[a-z]{3}$"), name="credits_pack_currency_lower_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (⚡{self.credits})"


class PurchaseStatus(models.TextChoices):
    CREATED = "created", "Waiting for payment"
    PENDING = "pending", "Payment processing"  # checkout finished with a delayed method (e.g. SEPA): not paid yet
    CREDITED = "credited", "Credited"  # paid and the pack's ⚡ added, in one transaction
    FAILED = "failed", "Payment failed"
    EXPIRED = "expired", "Checkout expired"
    PARTLY_REFUNDED = "partly_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded"
    DISPUTED = "disputed", "Disputed"


class Purchase(models.Model):
    """One learner buying one pack through one Checkout Session, and everything Stripe later says about its payment.

    The pack's credits, price and currency are copied here: what was bought stays true when the pack is edited.
    """

    Status = PurchaseStatus

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases")
    pack = models.ForeignKey(CreditPack, on_delete=models.PROTECT, related_name="purchases")
    credits = models.PositiveIntegerField()
    price = models.PositiveIntegerField(help_text="Minor units charged.")
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(
        max_length=IDEMPOTENCY_KEY_LENGTH, help_text="The buyer's request key: a double click buys once."
    )
    status = models.CharField(max_length=20, choices=PurchaseStatus.choices, default=PurchaseStatus.CREATED)
    checkout_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    # Charges, refunds and disputes name the payment intent, not the session (Stripe copies no metadata onto them).
    payment_intent = models.CharField(max_length=255, null=True, blank=True, unique=True)
    charge_id = models.CharField(max_length=255, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0, help_text="Minor units refunded so far (Stripe's total).")
    credits_refunded = models.PositiveIntegerField(default=0, help_text="Credits taken back for refunds so far.")
    dispute_id = models.CharField(max_length=255, blank=True)
    dispute_status = models.CharField(max_length=40, blank=True, help_text="Stripe's status of the dispute.")
    credits_disputed = models.PositiveIntegerField(default=0, help_text="Credits taken back when the dispute opened.")
    credit_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="purchase_credited"
    )
    dispute_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="purchase_disputed"
    )
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    credited_at = models.DateTimeField(null=True, blank=True)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        db_table = "credits_purchase"
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="credits_purchase_key_unique_per_user"),
            models.CheckConstraint(condition=Q(credits__gt=0), name="credits_purchase_credits_positive"),
            models.CheckConstraint(condition=Q(price__gt=0), name="credits_purchase_price_positive"),
            models.CheckConstraint(condition=Q(status__in=PurchaseStatus.values), name="credits_purchase_status_known"),
            # Whatever refunds and disputes say, no more is ever taken back than the pack gave.
            models.CheckConstraint(
                condition=Q(credits_refunded__lte=F("credits") - F("credits_disputed")),
                name="credits_purchase_clawback_within_pack",
            ),
            models.CheckConstraint(
                condition=Q(credited_at__isnull=True, credit_entry__isnull=True)
                | Q(credited_at__isnull=False, credit_entry__isnull=False),
                name="credits_purchase_credited_with_entry",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="credits_purchase_user_newest")]

    def __str__(self) -> str:
        return f"Purchase #{self.pk}: ⚡{self.credits} · {self.get_status_display().lower()}"

    @property
    def reference(self) -> str:
        """What the ledger entries of this purchase point at (the statement links it to the purchase's page)."""
        return purchase_reference(self.pk)

    @property
    def is_credited(self) -> bool:
        return self.credited_at is not None


class StripeEventStatus(models.TextChoices):
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"  # a type we do not handle, or an object that is not ours
    DEFERRED = "deferred", "Waiting for its purchase"  # a charge event that arrived before its purchase was credited
    FAILED = "failed", "Failed"  # the handler raised; the next delivery of the same event runs it again


class StripeEvent(models.Model):
    """Each Stripe event we accepted, stored once by its id (the unique constraint refuses a concurrent duplicate)."""

    Status = StripeEventStatus

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    data_object = models.JSONField(help_text="The event's data.object, as signed by Stripe.")
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=StripeEventStatus.choices)
    outcome = models.TextField(blank=True, help_text="What its handler did, in words.")
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "credits_stripeevent"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StripeEventStatus.values), name="credits_event_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} · {self.status}"

"""The ledger's tables: one Wallet per user (cached balance), append-only LedgerEntry rows, and Holds.

Only credits/services.py writes these tables. The models carry the constraints that let the database refuse what
must never be (a zero amount, a reused idempotency key, a hold both captured and released) and a guard that refuses
to update or delete a ledger entry through the ORM.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.learner_pages import LearnerRowsQuerySet
from credits.exceptions import LedgerIsAppendOnly
from credits.references import purchase_reference

# One rule for idempotency keys. Every key column (ledger entries, holds, purchases, the tutor's questions) is
# IDEMPOTENCY_KEY_LENGTH long. A key a caller sends (the API's Idempotency-Key header, a page's hidden key) is at most
# CALLER_KEY_MAX_LENGTH, which leaves KEY_PREFIX_ROOM for the namespace a producer puts in front of it
# ("tutor-unlock:", "tutor-question:", "api:"), so a caller's key fits every column with or without its prefix.
IDEMPOTENCY_KEY_LENGTH = 200
KEY_PREFIX_ROOM = 40
CALLER_KEY_MAX_LENGTH = IDEMPOTENCY_KEY_LENGTH - KEY_PREFIX_ROOM


class Wallet(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        # A ledger is a financial record: a user with a wallet is deactivated or anonymised, never deleted.
        on_delete=models.PROTECT,
        related_name="wallet",
    )
    # The figures below are caches kept in the same transaction as the entry or hold that changes them, under a row lock
    # on this wallet; `audit_ledger` recomputes them from the entries and holds.
    balance = models.BigIntegerField(default=0, help_text="Sum of this wallet's ledger entries.")
    held = models.BigIntegerField(default=0, help_text="Sum of this wallet's open holds.")
    # The statement pages over the entries: counting them is a COUNT(*) over the whole history on every view, so the
    # count is kept here like the balance, by every write that appends an entry.
    entry_count = models.BigIntegerField(default=0, editable=False, help_text="Number of this wallet's entries.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(held__gte=0), name="credits_wallet_held_not_negative"),
            models.CheckConstraint(condition=Q(entry_count__gte=0), name="credits_wallet_entry_count_not_negative"),
        ]
        permissions = [("adjust_credits", "Can adjust a learner's credits with a reason")]

    def __str__(self) -> str:
        return f"⚡{self.balance} · {self.user}"

    @property
    def available(self) -> int:
        """What the learner can spend or hold now; below zero only after a clawback left a debt."""
        return self.balance - self.held


class SignupBonus(models.Model):
    """The welcome bonus, once per person: one row per user and per normalised email address.

    The unique address is what stops `alice+farm1@example.com` from collecting a second bonus; the service that writes
    this row (`signup_bonus_grant`) normalises the address and explains how.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signup_bonus")
    address = models.CharField(max_length=254, unique=True, help_text="The normalised email address it was paid for.")
    granted_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LearnerRowsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.address} · {self.granted_at:%Y-%m-%d}"


class HoldQuerySet(LearnerRowsQuerySet["Hold"]):
    learner_field = "wallet__user_id"


class LedgerEntryQuerySet(LearnerRowsQuerySet["LedgerEntry"]):
    """Refuses bulk updates and deletes: the ledger only ever grows."""

    learner_field = "wallet__user_id"

    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never updated; post a reversing entry instead.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never updated; post a reversing entry instead.")

    def delete(self) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never deleted; post a reversing entry instead.")


class EntryKind(models.TextChoices):
    SIGNUP_BONUS = "signup_bonus", "Welcome bonus"
    REWARD = "reward", "Reward"
    PURCHASE = "purchase", "Purchase"
    SPEND = "spend", "Spent"
    REFUND = "refund", "Refund"
    REVERSAL = "reversal", "Reversal"
    ADJUSTMENT = "adjustment", "Adjustment"
    CLAWBACK = "clawback", "Taken back"  # after a Stripe refund or dispute; the only kind that may leave a debt


class LedgerEntry(models.Model):
    Kind = EntryKind

    # No separate index on wallet alone: the (wallet, created_at, id) index below serves every look-up by wallet.
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries", db_index=False)
    amount = models.BigIntegerField(help_text="Signed: credits in are positive, credits out negative.")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    reason = models.TextField(help_text="Plain words, shown to the learner on the statement.")
    reference = models.CharField(max_length=200, blank=True, help_text="What it was for, e.g. unlock:lesson:42.")
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_LENGTH)
    balance_after = models.BigIntegerField()
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        help_text="The entry this one undoes; one-to-one, so an entry can be reversed only once.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The admin who made an adjustment or reversal; empty for the system.",
    )

    objects: ClassVar[LedgerEntryQuerySet] = LedgerEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        base_manager_name = "objects"
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["wallet", "idempotency_key"], name="credits_entry_key_unique_per_wallet"),
            models.CheckConstraint(condition=~Q(amount=0), name="credits_entry_amount_not_zero"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="credits_entry_kind_known"),
        ]
        # The statement and the API read a wallet's entries newest first: this index serves them a page at a time
        # (scanned backwards), and every other look-up by wallet.
        indexes = [models.Index(fields=["wallet", "created_at", "id"], name="credits_entry_wallet_time")]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.kind} → {self.balance_after}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly("Ledger entries are never updated; post a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never deleted; post a reversing entry instead.")


class Hold(models.Model):
    """Credits set aside for something not yet delivered: captured into one spend entry, or released."""

    class Status(models.TextChoices):
        OPEN = "open", "Held"
        CAPTURED = "captured", "Spent"
        RELEASED = "released", "Returned"

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="holds")
    amount = models.BigIntegerField()
    reason = models.TextField(help_text="Plain words: what the credits are held for.")
    reference = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="captured_hold"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wallet", "idempotency_key"], name="credits_hold_key_unique_per_wallet"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credits_hold_amount_positive"),
            models.CheckConstraint(
                condition=Q(captured_at__isnull=True) | Q(released_at__isnull=True),
                name="credits_hold_not_captured_and_released",
            ),
            # Each status carries exactly the fields that belong to it.
            models.CheckConstraint(
                condition=(
                    Q(status="open", captured_at__isnull=True, captured_entry__isnull=True, released_at__isnull=True)
                    | Q(
                        status="captured",
                        captured_at__isnull=False,
                        captured_entry__isnull=False,
                        released_at__isnull=True,
                    )
                    | Q(
                        status="released",
                        captured_at__isnull=True,
                        captured_entry__isnull=True,
                        released_at__isnull=False,
                    )
                ),
                name="credits_hold_status_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="open"), name="credits_hold_open_by_expiry"),
            models.Index(fields=["wallet", "status"], name="credits_hold_wallet_status"),
            # Returned holds are lines of the statement, merged with the entries in time order.
            models.Index(
                fields=["wallet", "released_at", "id"],
                condition=Q(status="released"),
                name="credits_hold_wallet_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"⚡{self.amount} {self.get_status_display().lower()} · {self.reference}"


# --- Purchases: packs of credits sold through Stripe Checkout, and the Stripe events that settle them ------
# Only credits/services/purchases.py and credits/services/stripe_events.py write these tables.


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
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StripeEventStatus.values), name="credits_event_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} · {self.status}"

"""The ledger's tables: one Wallet per user (cached balance), append-only LedgerEntry rows, and Holds.

Only credits/services/ writes these tables. The models carry the constraints that let the database refuse what
must never be (a zero amount, a reused idempotency key, a hold both captured and released) and a guard that refuses
to update or delete a ledger entry through the ORM.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.learner_pages import LearnerRowsQuerySet
from credits.exceptions import LedgerIsAppendOnly

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

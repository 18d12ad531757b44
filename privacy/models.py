"""The audit line of every export and erasure: who asked, when, for which account (by id: an erased person's email
is exactly what must not be kept)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccountRequestKind(models.TextChoices):
    EXPORT = "export", "Data export"
    ERASE = "erase", "Account erased"


class AccountRequest(models.Model):
    Kind = AccountRequestKind

    kind = models.CharField(max_length=10, choices=AccountRequestKind.choices)
    subject_id = models.BigIntegerField(help_text="The account's user id (the row itself is gone after an erasure).")
    by_learner = models.BooleanField(help_text="Asked by the learner themself; otherwise by the staff member below.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who acted on a support request.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="After an erasure: the anonymous owner that now holds the wallet and purchases.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AccountRequestKind.values), name="privacy_request_kind_known"),
            models.CheckConstraint(
                condition=Q(by_learner=True) | Q(actor__isnull=False), name="privacy_request_staff_named"
            ),
        ]

    def __str__(self) -> str:
        who = "the learner" if self.by_learner else f"staff #{self.actor_id}"
        return f"{self.get_kind_display()} of user #{self.subject_id} by {who} at {self.created_at:%Y-%m-%d %H:%M}"

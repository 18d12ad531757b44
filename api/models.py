"""The API's own table: the first answer to a request sent with an Idempotency-Key, for a replay of that key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.learner_pages import LearnerRowsQuerySet
from credits.models import IDEMPOTENCY_KEY_LENGTH


class FirstAnswer(models.Model):
    """What an operation answered the first time a learner sent it with this key: a retry whose answer was lost gets
    the same status and body back (docs/api.md), not an answer describing the retry itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    operation = models.CharField(max_length=100, help_text="What was asked, e.g. unlock:42 (a lesson's id).")
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_LENGTH)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "operation", "idempotency_key"], name="api_first_answer_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.idempotency_key}: {self.status}"

"""The pipeline's own state: the material still to fetch for an item, and the Incoming queue as an admin list.

Sources and lessons stay in the catalog app (lessons.Source, lessons.Lesson); what only the pipeline needs lives here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from lessons.models import Lesson


class MaterialStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# A job whose transcript was cut at the limit says so in its ``error`` with this name; the queue and the sources'
# health find such jobs by it.
TRANSCRIPT_CUT = "TRANSCRIPT_MAX_CHARS"


class MaterialFetch(models.Model):
    """What to fetch for one lesson (article page, transcript, chapters JSON, a video's captions), claimed by one
    worker at a time: a new item's, or a catalog lesson's that a curator asked for (Fetch captions, material_fetch)."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="material_fetch")
    article_url = models.URLField(max_length=1000, blank=True)
    transcript_url = models.URLField(max_length=1000, blank=True)
    transcript_type = models.CharField(max_length=100, blank=True)
    chapters_url = models.URLField(max_length=1000, blank=True)
    video_url = models.URLField(
        max_length=1000, blank=True, help_text="A YouTube video whose captions, chapters and duration to fetch."
    )
    captions = models.CharField(
        max_length=300, blank=True, help_text="The video's captions: their language and kind, or why there are none."
    )
    requested = models.BooleanField(
        default=False,
        help_text="Asked for by a curator (Fetch captions, material_fetch): fills what the lesson lacks, whatever its "
        "status. A poll's own job reaches only an incoming lesson no curator touched.",
    )
    status = models.CharField(max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(default=timezone.now, help_text="Last handed to the broker.")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="Taken by a worker; stale after the lease.")
    claimed_by = models.CharField(
        max_length=64, blank=True, help_text="The task holding the claim: its own retry may take the claim back."
    )
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="After a transient failure: not fetched again before this time."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["enqueued_at"], condition=Q(status="pending"), name="ingest_material_pending"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MaterialStatus.values), name="ingest_material_status_valid"),
        ]

    def __str__(self) -> str:
        return f"material of {self.lesson_id}: {self.status}"


class IncomingLesson(Lesson):
    """The curator's queue in the admin: lessons a source brought in, not yet published or rejected."""

    class Meta:
        proxy = True
        verbose_name = "incoming lesson"
        verbose_name_plural = "incoming lessons (the curator's queue)"

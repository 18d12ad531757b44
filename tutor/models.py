"""The tutor's tables: one Explanation per lesson content version, the Unlock each learner paid for, ratings, reports.

Only tutor/services/ writes them. The constraints let the database refuse what must never be: two current
explanations of the same lesson content, a learner unlocking the same lesson twice, a ready explanation without text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.learner_pages import LearnerRowsQuerySet
from credits.models import IDEMPOTENCY_KEY_LENGTH, Hold, LedgerEntry
from lessons.models import Lesson


class ExplanationStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RUNNING = "running", "Being written"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be written"


class ExplanationQuerySet(LearnerRowsQuerySet["Explanation"]):
    # Everyone who unlocked the lesson reads its explanation (whichever version they paid for).
    learner_field = "lesson__unlocks__user_id"
    # What the worker writes while it writes (every TUTOR_PROGRESS_INTERVAL_SECONDS, each part, each heartbeat): the
    # page shows it through its htmx fragment, which is never cached, so these writes leave the readers' pages be;
    # the pages are dropped when the status changes (running, ready, failed), which every other write carries.
    progress_fields = frozenset({"partial_markdown", "parts", "progress_at"})

    def stale_after_update(self, **update: Any) -> Callable[[], None]:
        if update and set(update) <= self.progress_fields:
            return lambda: None
        return super().stale_after_update(**update)


class Explanation(models.Model):
    """What the tutor wrote about one version of a lesson's content, shared by every learner who unlocks it."""

    Status = ExplanationStatus

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="explanations")
    version = models.PositiveIntegerField(help_text="1, 2, … per lesson: a content edit or a regeneration adds one.")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the material it explains.")
    # The material as it was when the explanation was asked for: the worker writes from this copy, so the text always
    # matches the fingerprint even when a curator edits the lesson meanwhile.
    material = models.JSONField(default=dict, editable=False)
    status = models.CharField(max_length=10, choices=ExplanationStatus.choices, default=ExplanationStatus.PENDING)
    markdown = models.TextField(blank=True)
    partial_markdown = models.TextField(blank=True, help_text="What the worker has written so far; the page polls it.")
    parts = models.JSONField(
        default=dict, blank=True, help_text="Parts the model finished, kept so that a retry asks only for the rest."
    )
    backend = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=200, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(
        max_digits=12, decimal_places=6, default=0, help_text="What the model calls cost (TUTOR_COST_PER_1K_*)."
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Claims by a worker, lost workers included.")
    error = models.TextField(blank=True, help_text="Why the last attempt failed (for staff, never shown to learners).")

    # The claim: who is writing it now. A worker only writes while its token is the current one, so two deliveries of
    # the same job never both write; a claim older than TUTOR_CLAIM_LEASE_SECONDS belongs to a vanished worker.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True, help_text="The Celery task id holding the claim.")
    claimed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the latest attempt started.")
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when staff regenerated it: payers keep it, new unlocks get the new one."
    )
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    update_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Set when it was written because the lesson's material grew (“now from the full transcript”): once "
        "ready, every learner who unlocked an earlier version reads this one instead, at no charge.",
    )
    edited = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ExplanationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            # One explanation per lesson content version; a regenerated one is retired and no longer counts.
            models.UniqueConstraint(
                fields=["lesson", "fingerprint"],
                condition=Q(retired_at__isnull=True),
                name="tutor_explanation_one_current_per_content",
            ),
            models.UniqueConstraint(fields=["lesson", "version"], name="tutor_explanation_version_once"),
            models.CheckConstraint(
                condition=Q(status__in=ExplanationStatus.values), name="tutor_explanation_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExplanationStatus.READY) | ~Q(markdown=""), name="tutor_explanation_ready_has_text"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExplanationStatus.RUNNING) | (~Q(claim_token="") & Q(claimed_at__isnull=False)),
                name="tutor_explanation_running_is_claimed",
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="tutor_explanation_by_status")]

    def __str__(self) -> str:
        return f"{self.lesson} · v{self.version} ({self.get_status_display().lower()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExplanationStatus.READY

    @property
    def written_by(self) -> str:
        """The line the page shows under the text: which backend wrote it."""
        if self.backend == "study_guide":
            label = "Study guide built from this lesson's material"
        else:
            label = f"Written by {self.model or self.backend or 'the AI tutor'}"
        return f"{label} · edited by our team" if self.edited else label

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class UnlockStatus(models.TextChoices):
    PENDING = "pending", "Credits held"
    CHARGED = "charged", "Charged"
    RETURNED = "returned", "Credits returned"


class Unlock(models.Model):
    """A learner's purchase of a lesson's explanation: a hold on their credits, captured once the text is ready.

    The hold is the truth about the money; `status` follows it (the tutor settles both together, and the sweep
    catches up with holds the credits sweeper returned on its own). Pages read `state`, which asks the hold.
    """

    Status = UnlockStatus

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="unlocks")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="unlocks")
    explanation = models.ForeignKey(Explanation, on_delete=models.PROTECT, related_name="unlocks")
    # Null only inside the transaction that creates the unlock: the row is inserted first so that two requests of
    # the same learner meet at the unique constraint before either places a hold.
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="unlock")
    status = models.CharField(max_length=10, choices=UnlockStatus.choices, default=UnlockStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # The version the learner read before the lesson's material grew and they were moved, free, to a newer one.
    updated_from = models.ForeignKey(
        Explanation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A learner who unlocked a lesson is never charged for it again; a returned unlock is tried again in place.
            models.UniqueConstraint(fields=["user", "lesson"], name="tutor_unlock_once_per_learner"),
            models.CheckConstraint(condition=Q(status__in=UnlockStatus.values), name="tutor_unlock_status_known"),
        ]
        indexes = [models.Index(fields=["explanation", "status"], name="tutor_unlock_waiting")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson} ({self.get_status_display().lower()})"

    @property
    def state(self) -> str:
        """pending, charged or returned, read from the hold (which the credits sweeper may have returned)."""
        if self.hold is None:
            return self.status  # a free lesson, or the instant before the hold is placed
        return {
            Hold.Status.OPEN: UnlockStatus.PENDING,
            Hold.Status.CAPTURED: UnlockStatus.CHARGED,
            Hold.Status.RELEASED: UnlockStatus.RETURNED,
        }[Hold.Status(self.hold.status)]

    @property
    def is_active(self) -> bool:
        """The learner has it, or will have it: their credits are held for it or were spent on it."""
        return self.state != UnlockStatus.RETURNED


class Rating(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    explanation = models.ForeignKey(Explanation, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "explanation"], name="tutor_rating_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="tutor_rating_one_to_five"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ · {self.explanation_id}"


class ReportReason(models.TextChoices):
    WRONG = "wrong", "Wrong"
    UNCLEAR = "unclear", "Unclear"
    OFF_TOPIC = "off_topic", "Off topic"


class Report(models.Model):
    """A learner's complaint about an explanation; staff may answer it with a goodwill refund."""

    Reason = ReportReason

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    explanation = models.ForeignKey(Explanation, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    refund_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="tutor_report"
    )
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "explanation"], name="tutor_report_once"),
            models.CheckConstraint(condition=Q(reason__in=ReportReason.values), name="tutor_report_reason_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.explanation_id}"


class ConceptTerm(models.Model):
    """A term of the published catalog, per lesson: the concept index the tutor links explanations through.

    ``key`` is the term normalised (case, plural, acronym → its long form), so "ViTs", "ViT" and "Vision
    Transformers" meet. ``subject`` marks the lesson that is *about* the term (its title, or a name its own material
    opens by defining); another lesson mentioning the term links to it. Rebuilt by `concepts_refresh`.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, db_index=True)
    term = models.CharField(max_length=200, help_text="As the lesson writes it.")
    subject = models.BooleanField(default=False)
    sentence = models.TextField(blank=True, help_text="A sentence of the lesson's material that defines or uses it.")

    class Meta:
        ordering = ["key", "lesson_id"]
        constraints = [models.UniqueConstraint(fields=["lesson", "key"], name="tutor_concept_term_once_per_lesson")]

    def __str__(self) -> str:
        return f"{self.term} · {self.lesson_id}{' (subject)' if self.subject else ''}"


class ConceptIndexState(models.Model):
    """When a lesson's terms were indexed, and from which version of it (its `updated` time)."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="+")
    lesson_updated = models.DateTimeField()
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.lesson_id} indexed {self.indexed_at:%Y-%m-%d %H:%M}"


# The longest question the tutor takes, in characters: the column, the form, the API schema and the page share it.
QUESTION_LENGTH_MAX = 500


class QuestionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    WRITING = "writing", "Being answered"
    READY = "ready", "Answered"
    FAILED = "failed", "Could not be answered"


class Question(models.Model):
    """A learner's question about a lesson they unlocked, and the tutor's answer.

    The first TUTOR_FREE_QUESTIONS per lesson come with the unlock (``free``); later ones hold QUESTION_PRICE,
    captured when an answer from the material is written and released when none is (nothing relevant found, or the
    answer could not be written). The hold is the truth about the money, as for unlocks.
    """

    Status = QuestionStatus

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tutor_questions")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="tutor_questions")
    text = models.CharField(max_length=QUESTION_LENGTH_MAX)
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_LENGTH)
    free = models.BooleanField(default=False, help_text="One of the questions that come with the unlock.")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="tutor_question")
    status = models.CharField(max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.QUEUED)
    found = models.BooleanField(null=True, blank=True, help_text="Whether the material held anything relevant.")
    answer_markdown = models.TextField(blank=True)
    citations = models.JSONField(default=list, blank=True)
    backend = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=200, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The learner's rating, 1–5.")
    report_reason = models.CharField(max_length=16, choices=ReportReason.choices, blank=True)
    report_comment = models.TextField(blank=True, max_length=2000)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A retried request (same key) never asks, or charges, twice.
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="tutor_question_key_once"),
            models.CheckConstraint(condition=Q(status__in=QuestionStatus.values), name="tutor_question_status_known"),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.READY) | ~Q(answer_markdown=""), name="tutor_question_ready_has_text"
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5), name="tutor_question_stars_one_to_five"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "lesson"], name="tutor_question_by_learner"),
            models.Index(fields=["status", "enqueued_at"], name="tutor_question_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} · {self.user} ({self.get_status_display().lower()})"

    # A free question is used up unless nothing relevant was found or no answer could be written: the same rule as
    # an instance check (the page) and as a filter (the service that decides the next question's price).
    USES_FREE = Q(free=True) & ~Q(found=False) & ~Q(status=QuestionStatus.FAILED)

    @property
    def uses_free(self) -> bool:
        return self.free and self.found is not False and self.status != QuestionStatus.FAILED

    @property
    def charged(self) -> int:
        """What the question costs the learner: the held or captured price; 0 when free or returned."""
        if self.hold is None or self.hold.status == Hold.Status.RELEASED:
            return 0
        return self.hold.amount

    @property
    def is_live(self) -> bool:
        return self.status in (QuestionStatus.QUEUED, QuestionStatus.WRITING)

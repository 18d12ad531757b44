"""Explanations and their generation: the current one for a lesson's content, the worker's claim, progress and
outcome, settling the unlocks that wait on it, and recovering jobs whose worker vanished.

Two deliveries of one job never both write: a worker first claims the explanation with one conditional UPDATE
(pending, or running under a claim older than the lease, or running under its own task id when the broker hands the
same message back after its worker died) and every later write names the claim token it got. A worker that lost its
claim finds that its writes change nothing, and stops.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from lessons.models import Lesson
from tutor.backends import (
    LessonMaterial,
    PermanentBackendError,
    TransientBackendError,
    backend_get,
    material_fingerprint,
)
from tutor.exceptions import GenerationRetry
from tutor.material import lesson_material, material_from_json, material_to_json
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus

logger = logging.getLogger(__name__)

# Kept free before the task's soft time limit when the backend plans its calls: storing and settling take a moment.
DEADLINE_MARGIN_SECONDS = 15.0

# Outcomes of explanation_write, for the task's log and the tests.
WRITTEN, FAILED, SKIPPED, SUPERSEDED = "ready", "failed", "skipped", "superseded"


def _lease() -> timedelta:
    return timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS)


def _silent_since(now: datetime) -> datetime:
    """A running claim with no heartbeat since then (three beats missed) belongs to a worker that is gone."""
    return now - timedelta(seconds=3 * settings.TUTOR_HEARTBEAT_SECONDS)


def _claim_dead(now: datetime) -> Q:
    """A running claim past its lease, or whose worker stopped beating (progress_at): a killed worker's job is taken
    back within a minute or so instead of after the whole lease."""
    silent = _silent_since(now)
    return Q(claimed_at__lt=now - _lease()) | (
        Q(claimed_at__lt=silent) & (Q(progress_at__isnull=True) | Q(progress_at__lt=silent))
    )


def _claim_alive(explanation: Explanation, now: datetime) -> bool:
    silent = _silent_since(now)
    if explanation.claimed_at is None or explanation.claimed_at < now - _lease():
        return False
    return explanation.claimed_at >= silent or (
        explanation.progress_at is not None and explanation.progress_at >= silent
    )


# --- The current explanation of a lesson ----------------------------------------------------------------------------


def explanation_current_get_or_create(
    *, lesson: Lesson, material: LessonMaterial | None = None, lock: bool = False
) -> tuple[Explanation, bool]:
    """The explanation of the lesson's content as it is now, created (pending, not enqueued) when there is none.

    ``lock`` locks its row until the transaction ends (call inside one).
    """
    material = material or lesson_material(lesson)
    fingerprint = material_fingerprint(material)
    rows = Explanation.objects.select_for_update() if lock else Explanation.objects.all()
    for _ in range(3):
        current = rows.filter(lesson=lesson, fingerprint=fingerprint, retired_at__isnull=True).first()
        if current is not None:
            return current, False
        try:
            # A savepoint: a concurrent request may create the same explanation (or take the next version number)
            # first; the unique constraints refuse ours and we read theirs. Our own new row is ours alone until
            # commit, so it needs no lock.
            with transaction.atomic():
                return explanation_version_create(lesson=lesson, material=material, fingerprint=fingerprint), True
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not get or create the explanation of lesson #{lesson.pk}.")


def explanation_version_create(
    *, lesson: Lesson, material: LessonMaterial, fingerprint: str, replaces: Explanation | None = None
) -> Explanation:
    latest = Explanation.objects.filter(lesson=lesson).aggregate(latest=Max("version"))["latest"] or 0
    return Explanation.objects.create(
        lesson=lesson,
        version=latest + 1,
        fingerprint=fingerprint,
        material=material_to_json(material),
        replaces=replaces,
    )


def explanation_enqueue(*, explanation: Explanation) -> None:
    """Ask a worker to write it once the current transaction commits (right away outside one)."""
    now = timezone.now()
    Explanation.objects.filter(pk=explanation.pk).update(enqueued_at=now)
    explanation.enqueued_at = now
    explanation_id = explanation.pk
    # robust: with the broker down the request still succeeds; the sweep enqueues the job again later.
    transaction.on_commit(lambda: _generation_send(explanation_id), robust=True)


def _generation_send(explanation_id: int) -> None:
    from tutor.tasks import explanation_generate  # the tasks module imports these services

    explanation_generate.delay(explanation_id)


def explanation_generation_ensure(*, explanation: Explanation) -> bool:
    """Enqueue generation unless the explanation is ready or a worker has it in hand; returns whether it enqueued.

    A failed explanation is tried afresh for a new unlock: the failure may have been an outage that is over.
    Call with the explanation's row locked (or its state otherwise settled) so two requests do not both reset it.
    """
    now = timezone.now()
    status = explanation.status
    if status == ExplanationStatus.READY:
        return False
    if status == ExplanationStatus.RUNNING and _claim_alive(explanation, now):
        return False
    if status == ExplanationStatus.PENDING and explanation.enqueued_at and explanation.enqueued_at >= _unclaimed(now):
        return False
    if status == ExplanationStatus.FAILED:
        Explanation.objects.filter(pk=explanation.pk, status=ExplanationStatus.FAILED).update(
            status=ExplanationStatus.PENDING, attempts=0, finished_at=None
        )
        explanation.status, explanation.attempts, explanation.finished_at = ExplanationStatus.PENDING, 0, None
    explanation_enqueue(explanation=explanation)
    return True


# --- The worker's side: claim, progress, outcome ------------------------------------------------------------------


def _claimable(claimant: str, now: datetime) -> Q:
    claimable = Q(status=ExplanationStatus.PENDING) | (Q(status=ExplanationStatus.RUNNING) & _claim_dead(now))
    if claimant:
        # The broker delivers a message again only when the worker that had it is gone (acks_late with
        # reject_on_worker_lost, or the visibility timeout), so the same task id may take its own claim back at once.
        claimable |= Q(status=ExplanationStatus.RUNNING, claimed_by=claimant)
    return claimable


def explanation_claim(*, explanation_id: int, claimant: str) -> str | None:
    """Take the job: returns the claim token, or None when it is done, failed, or in another live worker's hands."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Explanation.objects.filter(
        _claimable(claimant, now), pk=explanation_id, attempts__lt=settings.TUTOR_MAX_ATTEMPTS
    ).update(
        status=ExplanationStatus.RUNNING,
        claim_token=token,
        claimed_by=claimant,
        claimed_at=now,
        started_at=now,
        progress_at=None,
        finished_at=None,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


class _ClaimHeartbeat:
    """Beats on the claim (progress_at) every TUTOR_HEARTBEAT_SECONDS while the backend writes, from a thread with its
    own connection: a model call may stay silent for a minute, and the sweep must tell that from a killed worker."""

    def __init__(self, *, explanation_id: int, token: str) -> None:
        self.rows = Explanation.objects.filter(pk=explanation_id, claim_token=token, status=ExplanationStatus.RUNNING)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"claim-heartbeat-{explanation_id}", daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(float(settings.TUTOR_HEARTBEAT_SECONDS)):
                try:
                    self.rows.update(progress_at=timezone.now())
                except DatabaseError:  # the next beat tries again; the writer notices a lost database itself
                    logger.warning("Heartbeat of %s not stored", self.thread.name)
        finally:
            connection.close()  # this thread's own connection


class _ClaimLost(Exception):  # noqa: N818 - a signal between our own functions, never seen outside this module
    """Another delivery took the job over; this one stops writing."""


class _ProgressWriter:
    """Stores the text written so far at most every TUTOR_PROGRESS_INTERVAL_SECONDS, under the claim."""

    def __init__(self, *, explanation_id: int, token: str) -> None:
        self.explanation_id = explanation_id
        self.token = token
        self.interval = float(settings.TUTOR_PROGRESS_INTERVAL_SECONDS)
        self.last_write = float("-inf")

    def __call__(self, markdown: str) -> None:
        moment = time.monotonic()
        if moment - self.last_write < self.interval:
            return
        self.last_write = moment
        written = Explanation.objects.filter(
            pk=self.explanation_id, claim_token=self.token, status=ExplanationStatus.RUNNING
        ).update(partial_markdown=markdown, progress_at=timezone.now())
        if not written:
            raise _ClaimLost


class _PartWriter:
    """Keeps each part the backend finished (so a retry asks only for the rest) and publishes the text so far at
    once, not throttled: a part is seconds of a model's work, and the learner is waiting for it."""

    def __init__(self, *, explanation_id: int, token: str, kept: dict[str, Any]) -> None:
        self.explanation_id = explanation_id
        self.token = token
        self.parts = dict(kept)

    def __call__(self, key: str, data: dict[str, Any], markdown: str) -> None:
        self.parts[key] = data
        written = Explanation.objects.filter(
            pk=self.explanation_id, claim_token=self.token, status=ExplanationStatus.RUNNING
        ).update(parts=self.parts, partial_markdown=markdown, progress_at=timezone.now())
        if not written:
            raise _ClaimLost


def _generation_deadline(started: float) -> float | None:
    """When the backend must be done: the task's soft time limit, less a margin for storing and settling."""
    soft_limit = getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", None)
    return started + float(soft_limit) - DEADLINE_MARGIN_SECONDS if soft_limit else None


def explanation_write(*, explanation_id: int, claimant: str, final_attempt: bool) -> str:
    """Claim the explanation, have the backend write it, store it and settle every unlock waiting on it.

    Returns WRITTEN, FAILED, SKIPPED (nothing to do) or SUPERSEDED (another delivery took over). A transient backend
    error gives the claim back and raises GenerationRetry, unless this is the final attempt: then it fails for good.
    """
    token = explanation_claim(explanation_id=explanation_id, claimant=claimant)
    if token is None:
        if _explanation_give_up(explanation_id=explanation_id, claimant=claimant):
            return FAILED
        # Finished already: by another delivery, or by this task before the database went away mid-settling.
        if Explanation.objects.filter(
            pk=explanation_id, status__in=(ExplanationStatus.READY, ExplanationStatus.FAILED)
        ).exists():
            explanation_unlocks_settle(explanation_id=explanation_id)
            _updates_deliver(explanation_id)
        return SKIPPED
    started = time.monotonic()
    explanation = Explanation.objects.get(pk=explanation_id)
    material = _material_with_concepts(material_from_json(explanation.material), lesson_id=explanation.lesson_id)
    try:
        with _ClaimHeartbeat(explanation_id=explanation_id, token=token):
            backend = backend_get()
            progress = _ProgressWriter(explanation_id=explanation_id, token=token)
            if getattr(backend, "keeps_parts", False):
                # Parts an earlier attempt finished are not asked again; each new one is kept and shown as it is done.
                result = backend.generate(  # type: ignore[call-arg]
                    material,
                    on_progress=progress,
                    kept=explanation.parts or {},
                    on_part=_PartWriter(explanation_id=explanation_id, token=token, kept=explanation.parts or {}),
                    deadline=_generation_deadline(started),
                )
            else:
                result = backend.generate(material, on_progress=progress)
        if not result.markdown.strip():
            raise PermanentBackendError("the backend answered with no text")
    except _ClaimLost:
        return SUPERSEDED
    except TransientBackendError as error:
        if final_attempt:
            return _explanation_fail(explanation_id=explanation_id, token=token, error=f"retries used up: {error}")
        _claim_give_back(explanation_id=explanation_id, token=token, error=str(error))
        raise GenerationRetry(str(error)) from error
    except SoftTimeLimitExceeded:
        return _explanation_fail(explanation_id=explanation_id, token=token, error="ran past the soft time limit")
    except (OperationalError, InterfaceError):
        raise  # the database went away while progress was stored: the task retries under the same claim
    except PermanentBackendError as error:
        return _explanation_fail(explanation_id=explanation_id, token=token, error=str(error))
    except Exception as error:
        # A bug in a backend is no reason to keep learners' credits: fail, return them, and log it loudly.
        logger.exception("Explanation #%s: the backend raised an unexpected error", explanation_id)
        return _explanation_fail(explanation_id=explanation_id, token=token, error=f"unexpected error: {error!r}")

    written = Explanation.objects.filter(pk=explanation_id, claim_token=token, status=ExplanationStatus.RUNNING).update(
        status=ExplanationStatus.READY,
        markdown=result.markdown,
        partial_markdown="",
        parts={},
        backend=result.backend,
        model=result.model,
        prompt_tokens=result.prompt_tokens,
        completion_tokens=result.completion_tokens,
        cost=result.cost,
        material=material_to_json(material),
        finished_at=timezone.now(),
        claim_token="",
        error="",
    )
    if not written:
        return SUPERSEDED
    explanation_unlocks_settle(explanation_id=explanation_id)
    _updates_deliver(explanation_id)
    return WRITTEN


def _updates_deliver(explanation_id: int) -> None:
    from tutor.services.updates import explanation_updates_deliver  # updates import this module

    explanation_updates_deliver(explanation_id=explanation_id)


def _material_with_concepts(material: LessonMaterial, *, lesson_id: int) -> LessonMaterial:
    """The material with the catalog's concepts it mentions, from an index brought up to date first.

    The links are a bonus: an index that cannot be read or refreshed leaves the explanation without them.
    """
    from tutor.services.concepts import concepts_for_text, concepts_refresh, material_text

    try:
        concepts_refresh()  # reads the index's versions once; writes only when a lesson changed
        concepts = concepts_for_text(text=material_text(material), title=material.title, exclude_lesson_id=lesson_id)
    except Exception:
        logger.exception("Explanation of lesson #%s: the concept index could not be read", lesson_id)
        return material
    return dataclasses.replace(material, concepts=concepts)


def _claim_give_back(*, explanation_id: int, token: str, error: str) -> None:
    Explanation.objects.filter(pk=explanation_id, claim_token=token, status=ExplanationStatus.RUNNING).update(
        status=ExplanationStatus.PENDING,
        claim_token="",
        claimed_by="",
        claimed_at=None,
        error=error,
        enqueued_at=timezone.now(),
    )


def _explanation_fail(*, explanation_id: int, token: str, error: str) -> str:
    failed = _fail_after_release(
        explanation_id=explanation_id, still=Q(claim_token=token, status=ExplanationStatus.RUNNING), error=error
    )
    if not failed:
        return SUPERSEDED
    logger.warning("Explanation #%s could not be written: %s", explanation_id, error)
    return FAILED


def _fail_after_release(*, explanation_id: int, still: Q, error: str) -> bool:
    """Money first: release the hold of every unlock waiting on the explanation, then mark it failed, in one
    transaction, so no reader ever sees "failed" while a learner's credits are still held. Returns False (nothing
    done) when the explanation no longer matches `still` (another delivery took it over)."""
    from tutor.services.unlocks import unlock_settle  # unlocks import this module

    with transaction.atomic():
        # Unlock rows before the explanation row: the order unlock() locks them in.
        waiting = list(
            Unlock.objects.select_for_update()
            .filter(explanation_id=explanation_id, status=UnlockStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not Explanation.objects.select_for_update().filter(still, pk=explanation_id).exists():
            return False
        for unlock_id in waiting:
            unlock_settle(unlock_id=unlock_id, failing=True)
        Explanation.objects.filter(still, pk=explanation_id).update(
            status=ExplanationStatus.FAILED, error=error, finished_at=timezone.now(), claim_token=""
        )
    explanation_unlocks_settle(explanation_id=explanation_id)  # an unlock that came in meanwhile; the pages
    return True


def _explanation_give_up(*, explanation_id: int, claimant: str) -> bool:
    """Fail a job that would be claimable but has used every attempt (a job that keeps killing its worker)."""
    still = _claimable(claimant, timezone.now()) & Q(attempts__gte=settings.TUTOR_MAX_ATTEMPTS)
    return _fail_after_release(
        explanation_id=explanation_id, still=still, error=f"gave up after {settings.TUTOR_MAX_ATTEMPTS} attempts"
    )


def explanation_unlocks_settle(*, explanation_id: int) -> int:
    """Capture (ready) or release (failed) the hold of every unlock waiting on the explanation; returns how many.
    Every way an explanation ends comes here, after its row was written by UPDATE (which dropped its readers' pages:
    tutor.models.ExplanationQuerySet)."""
    from tutor.services.unlocks import unlock_settle  # unlocks import this module

    waiting = Unlock.objects.filter(explanation_id=explanation_id, status=UnlockStatus.PENDING).values_list(
        "pk", flat=True
    )
    settled = 0
    for unlock_id in list(waiting):
        settled += unlock_settle(unlock_id=unlock_id).status != UnlockStatus.PENDING
    return settled


# --- Recovery ------------------------------------------------------------------------------------------------------


def explanations_recover(*, now: datetime | None = None) -> int:
    """Enqueue again every explanation whose job was lost: running under a claim past its lease (the worker died
    and the broker did not hand the message back, as kombu's filesystem transport never does), or pending with no
    enqueue within the lease. A job out of attempts fails and returns the credits. Returns how many it handled."""
    now = now or timezone.now()
    lost = Explanation.objects.filter(_lost(now)).values_list("pk", "attempts")
    handled = 0
    for explanation_id, attempts in list(lost):
        if attempts >= settings.TUTOR_MAX_ATTEMPTS:
            handled += _explanation_give_up(explanation_id=explanation_id, claimant="")
            continue
        # Conditional, so two sweeps running at once enqueue it once.
        enqueued = Explanation.objects.filter(_lost(now), pk=explanation_id).update(enqueued_at=now)
        if enqueued:
            logger.warning("Explanation #%s lost its worker or its message; enqueued again", explanation_id)
            try:
                _generation_send(explanation_id)
            except Exception:  # the broker is still down: enqueued_at says when to try again
                logger.warning("Explanation #%s could not be enqueued; the next sweep tries again", explanation_id)
                continue
            handled += 1
    return handled


def _unclaimed(now: datetime) -> datetime:
    """Pending jobs enqueued before this and still unclaimed are sent again (their message may never have left)."""
    return now - timedelta(seconds=settings.TUTOR_ENQUEUE_RETRY_SECONDS)


def _lost(now: datetime) -> Q:
    # A running job is lost when its claim is dead (lease or heartbeat) and it was not re-sent since its worker went
    # silent; a pending one when no worker claimed it within TUTOR_ENQUEUE_RETRY_SECONDS of its last enqueue.
    unclaimed = _unclaimed(now)
    running_orphan = (Q(status=ExplanationStatus.RUNNING) & _claim_dead(now)) & (
        Q(enqueued_at__lt=_silent_since(now)) | Q(enqueued_at__isnull=True)
    )
    pending_unclaimed = Q(status=ExplanationStatus.PENDING) & (
        Q(enqueued_at__lt=unclaimed) | Q(enqueued_at__isnull=True)
    )
    return running_orphan | pending_unclaimed

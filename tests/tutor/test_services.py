"""The tutor's services: unlocking with a hold, writing an explanation under a claim, settling, recovery, curation."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from credits.models import Hold, LedgerEntry, Wallet
from credits.selectors import wallet_summary
from credits.services import IdempotencyConflict, InsufficientCredits, holds_expire
from lessons.transcripts import TranscriptFormatError
from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory, StaffUserFactory
from tests.tutor.backends_for_tests import guide_markdown
from tests.tutor.conftest import ALWAYS_FAILS, REFUSES
from tutor import services
from tutor.backends import GenerationResult
from tutor.exceptions import FeedbackNotAllowed, GenerationRetry, RefundNotAllowed, UnlockKeyReused
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus
from tutor.references import unlock_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """The explanation ids handed to the broker, instead of handing them over."""
    sent: list[int] = []
    monkeypatch.setattr("tutor.services.generation._generation_send", sent.append)
    return sent


@pytest.fixture(autouse=True)
def _quick(quick_backend):
    """Every test here writes with the quick test backend unless it says otherwise."""


def unlock(user, lesson, key="key-1", capture=None):
    return services.unlock(user=user, lesson=lesson, idempotency_key=key)


def balance(user):
    return wallet_summary(user=user)


def write(explanation, claimant="task-1", final_attempt=False):
    return services.explanation_write(explanation_id=explanation.pk, claimant=claimant, final_attempt=final_attempt)


# --- Unlocking -----------------------------------------------------------------------------------------------------


def test_unlocking_holds_the_price_records_the_unlock_and_enqueues_generation_after_commit(
    learner, lesson, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = unlock(learner, lesson)
        assert enqueued == []  # nothing reaches the broker before the transaction commits

    assert result.created
    # The explanation's job, once (practice also makes the lesson's key-term cards after the same commit).
    assert enqueued == [result.explanation.pk]
    hold = result.unlock.hold
    assert (hold.status, hold.amount, hold.reference) == (Hold.Status.OPEN, 30, unlock_reference(lesson))
    assert hold.reason == "Unlocked the AI tutor explanation for “Loops in machine learning”"
    assert (balance(learner).balance, balance(learner).available) == (100, 70)
    assert result.unlock.state == UnlockStatus.PENDING
    assert result.explanation.status == ExplanationStatus.PENDING
    assert result.explanation.version == 1


def test_unlocking_again_with_the_same_key_charges_nothing_more(learner, lesson, enqueued):
    first = unlock(learner, lesson, key="same")
    second = unlock(learner, lesson, key="same")
    assert not second.created
    assert second.unlock.pk == first.unlock.pk
    assert Hold.objects.filter(wallet__user=learner).count() == 1
    assert balance(learner).available == 70


def test_a_learner_who_already_unlocked_is_never_charged_again_even_with_a_new_key(learner, lesson, enqueued):
    unlock(learner, lesson, key="first")
    again = unlock(learner, lesson, key="second")
    assert not again.created
    assert Hold.objects.filter(wallet__user=learner).count() == 1
    assert Unlock.objects.filter(user=learner, lesson=lesson).count() == 1
    assert balance(learner).available == 70


def test_a_ready_explanation_is_captured_at_once_and_no_generation_is_enqueued(
    learner, other_learner, lesson, enqueued, django_capture_on_commit_callbacks
):
    first = unlock(learner, lesson)
    assert write(first.explanation) == services.WRITTEN
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        second = unlock(other_learner, lesson)

    assert enqueued == []
    assert second.explanation.pk == first.explanation.pk
    assert second.unlock.state == UnlockStatus.CHARGED
    assert balance(other_learner).balance == 70
    spend = LedgerEntry.objects.get(wallet__user=other_learner, kind=LedgerEntry.Kind.SPEND)
    assert spend.amount == -30
    assert spend.reason == "Unlocked the AI tutor explanation for “Loops in machine learning”"


def test_not_enough_credits_raises_and_leaves_nothing_behind(lesson, enqueued):
    poor = LearnerWithCreditsFactory(credits=60)
    lesson.unlock_price = 61
    lesson.save()
    with pytest.raises(InsufficientCredits) as raised:
        unlock(poor, lesson)
    assert (raised.value.available, raised.value.required) == (60, 61)
    assert not Unlock.objects.exists()
    assert not Hold.objects.exists()
    assert enqueued == []


def test_a_key_used_for_another_lesson_is_a_conflict(learner, lesson, enqueued):
    unlock(learner, lesson, key="shared")
    with pytest.raises(IdempotencyConflict):
        unlock(learner, LessonFactory(), key="shared")
    assert Hold.objects.filter(wallet__user=learner).count() == 1


def test_a_second_learner_waiting_on_the_same_explanation_does_not_enqueue_it_twice(
    learner, other_learner, lesson, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = unlock(learner, lesson)
        second = unlock(other_learner, lesson)
    assert second.explanation.pk == first.explanation.pk
    assert enqueued == [first.explanation.pk]
    assert Explanation.objects.count() == 1


def test_a_free_lesson_unlocks_without_a_hold(learner, enqueued):
    free = LessonFactory(unlock_price=0)
    result = unlock(learner, free)
    assert result.unlock.hold is None
    assert result.unlock.state == UnlockStatus.CHARGED
    assert balance(learner).available == 100


# --- Writing the explanation ---------------------------------------------------------------------------------------


def test_writing_stores_the_text_and_captures_every_hold_waiting_on_it(learner, other_learner, lesson, enqueued):
    first = unlock(learner, lesson)
    unlock(other_learner, lesson)

    assert write(first.explanation) == services.WRITTEN

    explanation = Explanation.objects.get()
    assert explanation.status == ExplanationStatus.READY
    assert "## Chapter by chapter" in explanation.markdown
    assert (explanation.backend, explanation.model) == ("test", "test-model-1")
    assert (explanation.prompt_tokens, explanation.completion_tokens, explanation.attempts) == (120, 80, 1)
    assert explanation.started_at <= explanation.finished_at
    for user in (learner, other_learner):
        assert (balance(user).balance, balance(user).available) == (70, 70)
        assert Unlock.objects.get(user=user).status == UnlockStatus.CHARGED
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).count() == 2


def test_a_second_delivery_of_a_finished_job_writes_and_charges_nothing(learner, lesson, enqueued):
    result = unlock(learner, lesson)
    write(result.explanation, claimant="task-1")
    assert write(result.explanation, claimant="task-1") == services.SKIPPED
    assert write(result.explanation, claimant="task-2") == services.SKIPPED
    assert Explanation.objects.get().attempts == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).count() == 1


def test_a_permanent_failure_returns_every_held_credit_with_the_reason(
    learner, other_learner, lesson, enqueued, settings
):
    settings.TUTOR_BACKEND = REFUSES
    result = unlock(learner, lesson)
    unlock(other_learner, lesson)

    assert write(result.explanation) == services.FAILED

    explanation = Explanation.objects.get()
    assert explanation.status == ExplanationStatus.FAILED
    assert "refused the API key" in explanation.error
    for user in (learner, other_learner):
        assert (balance(user).balance, balance(user).available) == (100, 100)
        assert Unlock.objects.get(user=user).status == UnlockStatus.RETURNED
    assert Hold.objects.filter(status=Hold.Status.RELEASED).count() == 2
    # The statement shows "⚡30 returned — <release reason>" (tests/tutor/test_views.py reads it on the page).
    assert set(Hold.objects.values_list("release_reason", flat=True)) == {"the explanation could not be written"}
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).exists()


def test_a_transient_failure_gives_the_claim_back_for_a_retry_and_the_last_one_fails(
    learner, lesson, enqueued, settings
):
    settings.TUTOR_BACKEND = ALWAYS_FAILS
    result = unlock(learner, lesson)

    with pytest.raises(GenerationRetry):
        write(result.explanation, final_attempt=False)
    explanation = Explanation.objects.get()
    assert (explanation.status, explanation.claim_token, explanation.attempts) == (ExplanationStatus.PENDING, "", 1)
    assert balance(learner).available == 70  # still held while a retry may succeed

    assert write(result.explanation, final_attempt=True) == services.FAILED
    assert Explanation.objects.get().status == ExplanationStatus.FAILED
    assert balance(learner).available == 100


def test_a_live_claim_keeps_other_deliveries_out_but_an_expired_one_is_taken_over(learner, lesson, enqueued, settings):
    explanation = unlock(learner, lesson).explanation
    first = services.explanation_claim(explanation_id=explanation.pk, claimant="task-1")
    assert first is not None
    assert services.explanation_claim(explanation_id=explanation.pk, claimant="task-2") is None

    Explanation.objects.filter(pk=explanation.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS + 1)
    )
    second = services.explanation_claim(explanation_id=explanation.pk, claimant="task-2")
    assert second not in (None, first)
    assert Explanation.objects.get().attempts == 2


def test_the_same_task_redelivered_after_its_worker_died_takes_its_claim_back_at_once(learner, lesson, enqueued):
    explanation = unlock(learner, lesson).explanation
    assert services.explanation_claim(explanation_id=explanation.pk, claimant="task-1")
    assert write(explanation, claimant="task-1") == services.WRITTEN
    assert Explanation.objects.get().attempts == 2
    assert balance(learner).balance == 70


def test_a_worker_that_lost_its_claim_stops_writing_and_charges_nothing(learner, lesson, enqueued, monkeypatch):
    explanation = unlock(learner, lesson).explanation

    def take_over_midway(_self, material, *, on_progress=None):
        # Another delivery takes the job over while this one is writing.
        Explanation.objects.filter(pk=explanation.pk).update(claim_token="someone-else")
        on_progress("## Overview")
        raise AssertionError("the progress writer should have stopped this worker")

    monkeypatch.setattr("tests.tutor.backends_for_tests.Quick.generate", take_over_midway)
    assert write(explanation) == services.SUPERSEDED
    assert Explanation.objects.get().status == ExplanationStatus.RUNNING
    assert balance(learner).available == 70
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).exists()


def test_progress_is_stored_where_the_page_reads_it_at_most_twice_a_second(learner, lesson, enqueued, monkeypatch):
    explanation = unlock(learner, lesson).explanation
    seen: list[str] = []

    def streaming(self, material, *, on_progress=None):
        for text in ("## Overview", "## Overview\n\nFirst words", "## Overview\n\nFirst words and more"):
            on_progress(text)
            seen.append(Explanation.objects.get(pk=explanation.pk).partial_markdown)
        return GenerationResult(markdown=guide_markdown(material), backend="test", model="test-model-1")

    monkeypatch.setattr("tests.tutor.backends_for_tests.Quick.generate", streaming)
    write(explanation)
    # The first call is stored; the next ones, a few milliseconds later, wait for the interval.
    assert seen == ["## Overview", "## Overview", "## Overview"]
    assert Explanation.objects.get().partial_markdown == ""


def test_running_past_the_soft_time_limit_fails_it_and_returns_the_credits(learner, lesson, enqueued, monkeypatch):
    def too_slow(_self, material, *, on_progress=None):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr("tests.tutor.backends_for_tests.Quick.generate", too_slow)
    assert write(unlock(learner, lesson).explanation) == services.FAILED
    assert Explanation.objects.get().error == "ran past the soft time limit"
    assert balance(learner).available == 100


def test_a_job_that_keeps_losing_its_worker_gives_up_and_returns_the_credits(learner, lesson, enqueued, settings):
    explanation = unlock(learner, lesson).explanation
    Explanation.objects.filter(pk=explanation.pk).update(
        status=ExplanationStatus.RUNNING,
        claim_token="dead",
        claimed_by="task-1",
        claimed_at=timezone.now(),
        attempts=settings.TUTOR_MAX_ATTEMPTS,
    )
    assert write(explanation, claimant="task-1") == services.FAILED
    assert Explanation.objects.get().error == f"gave up after {settings.TUTOR_MAX_ATTEMPTS} attempts"
    assert balance(learner).available == 100


# --- Holds returned by the credits sweeper, and trying again --------------------------------------------------------


def test_a_hold_returned_by_the_sweeper_shows_as_returned_and_is_never_captured_later(
    learner, lesson, enqueued, settings
):
    result = unlock(learner, lesson, key="first-try")
    assert holds_expire(now=timezone.now() + timedelta(seconds=settings.TUTOR_HOLD_TTL_SECONDS + 1)) == 1

    assert Unlock.objects.select_related("hold").get().state == UnlockStatus.RETURNED  # read from the hold at once
    assert services.unlocks_reconcile() == 1
    assert Unlock.objects.get().status == UnlockStatus.RETURNED

    assert write(result.explanation) == services.WRITTEN  # the worker was only slow
    assert balance(learner).balance == 100  # the learner had their credits back; the text is not theirs for free


def test_a_learner_whose_credits_came_back_can_try_again_with_a_new_key(learner, lesson, enqueued, settings):
    settings.TUTOR_BACKEND = REFUSES
    first = unlock(learner, lesson, key="first-try")
    write(first.explanation)
    assert Unlock.objects.get().status == UnlockStatus.RETURNED

    with pytest.raises(UnlockKeyReused):
        unlock(learner, lesson, key="first-try")

    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    again = unlock(learner, lesson, key="second-try")
    assert again.created
    assert again.unlock.pk == first.unlock.pk
    assert again.explanation.status == ExplanationStatus.PENDING  # the failed one is tried afresh
    assert write(again.explanation) == services.WRITTEN
    assert balance(learner).balance == 70
    assert Hold.objects.filter(wallet__user=learner, status=Hold.Status.RELEASED).count() == 1
    assert Hold.objects.filter(wallet__user=learner, status=Hold.Status.CAPTURED).count() == 1


def test_reconcile_settles_an_unlock_whose_worker_died_between_ready_and_capture(learner, lesson, enqueued):
    explanation = unlock(learner, lesson).explanation
    Explanation.objects.filter(pk=explanation.pk).update(status=ExplanationStatus.READY, markdown="## Overview\n\nHi")
    assert services.unlocks_reconcile() == 1
    assert balance(learner).balance == 70
    assert services.unlocks_reconcile() == 0


# --- Recovery of lost jobs -----------------------------------------------------------------------------------------


def test_recovery_enqueues_again_a_job_whose_worker_vanished_and_only_once_per_lease(
    learner, lesson, enqueued, settings
):
    explanation = unlock(learner, lesson).explanation
    services.explanation_claim(explanation_id=explanation.pk, claimant="task-that-died")
    assert services.explanations_recover() == 0  # the claim is live

    later = timezone.now() + timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS + 1)
    assert services.explanations_recover(now=later) == 1
    assert enqueued == [explanation.pk]
    assert services.explanations_recover(now=later + timedelta(seconds=1)) == 0

    Explanation.objects.filter(pk=explanation.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS + 1)
    )
    assert write(explanation, claimant="the-recovered-task") == services.WRITTEN
    assert balance(learner).balance == 70


def test_recovery_fails_a_lost_job_that_used_every_attempt(learner, lesson, enqueued, settings):
    explanation = unlock(learner, lesson).explanation
    Explanation.objects.filter(pk=explanation.pk).update(attempts=settings.TUTOR_MAX_ATTEMPTS, enqueued_at=None)
    assert services.explanations_recover() == 1
    assert Explanation.objects.get().status == ExplanationStatus.FAILED
    assert balance(learner).available == 100


# --- Versions -------------------------------------------------------------------------------------------------------


def test_editing_the_lesson_makes_a_new_version_for_new_unlocks_and_old_ones_keep_their_text(
    learner, other_learner, lesson, enqueued
):
    first = unlock(learner, lesson)
    write(first.explanation)
    old_text = Explanation.objects.get().markdown

    ChapterFactory(lesson=lesson, start_seconds=600, title="A chapter added later")
    second = unlock(other_learner, lesson)

    assert second.explanation.pk != first.explanation.pk
    assert second.explanation.version == 2
    write(second.explanation, claimant="task-2")
    first_unlock = Unlock.objects.select_related("explanation").get(user=learner)
    assert first_unlock.explanation.markdown == old_text
    assert "A chapter added later" not in old_text
    assert "A chapter added later" in Unlock.objects.get(user=other_learner).explanation.markdown


def test_the_worker_writes_from_the_material_as_it_was_when_unlocked(learner, lesson, enqueued):
    result = unlock(learner, lesson)
    lesson.title = "Renamed while the job waited"
    lesson.save()
    write(result.explanation)
    assert "Loops in machine learning" in Explanation.objects.get(pk=result.explanation.pk).markdown


def test_regenerating_makes_a_new_version_that_waiting_learners_get_and_payers_keep_theirs(
    learner, other_learner, lesson, enqueued
):
    paid = unlock(learner, lesson)
    write(paid.explanation)
    old = Explanation.objects.get()

    new = services.explanation_regenerate(lesson=lesson)

    old.refresh_from_db()
    assert old.retired_at is not None
    assert (new.version, new.status, new.replaces_id) == (2, ExplanationStatus.PENDING, old.pk)
    assert Unlock.objects.get(user=learner).explanation_id == old.pk
    assert unlock(other_learner, lesson).explanation.pk == new.pk


# --- Curation and feedback -----------------------------------------------------------------------------------------


def test_a_goodwill_refund_for_a_report_credits_the_reporter_once_with_the_reason(learner, lesson, enqueued):
    explanation = unlock(learner, lesson).explanation
    write(explanation)
    explanation.refresh_from_db()
    report = services.report_file(user=learner, explanation=explanation, reason="wrong", comment="Chapter 2 is off.")
    admin = StaffUserFactory()

    entry = services.report_refund(report=report, admin=admin)
    again = services.report_refund(report=report, admin=admin)

    assert again.pk == entry.pk
    assert (entry.amount, entry.kind, entry.created_by) == (30, LedgerEntry.Kind.REFUND, admin)
    assert entry.reason == (
        "Goodwill refund for the AI tutor explanation of “Loops in machine learning”, which you reported as wrong"
    )
    assert balance(learner).balance == 100
    report.refresh_from_db()
    assert report.refund_entry == entry


def test_no_refund_for_a_learner_who_was_not_charged(learner, lesson, enqueued, settings):
    explanation = unlock(learner, lesson).explanation
    write(explanation)
    explanation.refresh_from_db()
    report = services.report_file(user=learner, explanation=explanation, reason="unclear")
    Hold.objects.filter(wallet__user=learner).update(status=Hold.Status.OPEN, captured_at=None, captured_entry=None)
    with pytest.raises(RefundNotAllowed):
        services.report_refund(report=report, admin=StaffUserFactory())


def test_only_learners_who_paid_can_rate_or_report(learner, other_learner, lesson, enqueued):
    explanation = unlock(learner, lesson).explanation
    write(explanation)
    explanation.refresh_from_db()
    with pytest.raises(FeedbackNotAllowed):
        services.rating_save(user=other_learner, explanation=explanation, stars=5)
    with pytest.raises(FeedbackNotAllowed):
        services.report_file(user=other_learner, explanation=explanation, reason="wrong")
    assert services.rating_save(user=learner, explanation=explanation, stars=4).stars == 4
    assert services.rating_save(user=learner, explanation=explanation, stars=2).stars == 2
    assert explanation.ratings.count() == 1


def test_an_edited_explanation_says_so_and_keeps_its_new_text(learner, lesson, enqueued):
    explanation = unlock(learner, lesson).explanation
    write(explanation)
    explanation.refresh_from_db()
    editor = StaffUserFactory()
    services.explanation_edit(explanation=explanation, markdown="## Overview\n\nCorrected.", editor=editor)
    explanation.refresh_from_db()
    assert explanation.markdown == "## Overview\n\nCorrected."
    assert explanation.written_by == "Written by test-model-1 · edited by our team"
    assert explanation.edited_by == editor


def test_a_transcript_is_checked_before_it_is_attached(lesson):
    with pytest.raises(TranscriptFormatError):
        services.lesson_transcript_attach(lesson=lesson, raw="WEBVTT\n\n00:01.000 --> broken\nHello")
    segments = services.lesson_transcript_attach(
        lesson=lesson, raw="WEBVTT\r\n\r\n00:00:01.000 --> 00:00:04.000\r\nLoops repeat a step.\r\n"
    )
    lesson.refresh_from_db()
    assert segments == 1
    assert lesson.transcript == "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLoops repeat a step."


def test_the_wallet_is_never_left_with_a_held_amount_out_of_line(learner, lesson, enqueued, settings):
    settings.TUTOR_BACKEND = REFUSES
    result = unlock(learner, lesson)
    write(result.explanation)
    assert Wallet.objects.get(user=learner).held == 0

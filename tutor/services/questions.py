"""Ask the tutor: a learner's question about a lesson they unlocked, answered by a worker from the material.

The first TUTOR_FREE_QUESTIONS questions per lesson come with the unlock; each later one holds QUESTION_PRICE,
captured when an answer from the material is written and released when the material holds nothing relevant or no
answer could be written — the same two-phase transfer as unlocking. A retried request (same idempotency key) is the
same question. The worker claims a question with one conditional UPDATE, so a second delivery of its message (the
sweep re-sends questions no worker claimed, in case the broker lost them) does nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from credits.models import Hold
from credits.services import HoldNotOpen, hold_capture, hold_place, hold_release
from lessons.models import Lesson
from tutor.answers import answer_citations, answer_markdown, passages_quoted
from tutor.backends import PermanentBackendError, TransientBackendError, backend_get
from tutor.exceptions import NotUnlocked, QuestionInvalid, QuestionKeyReused, QuestionRateLimited
from tutor.free_questions import next_question_free
from tutor.models import QUESTION_LENGTH_MAX, Question, QuestionStatus, ReportReason, Unlock
from tutor.references import question_hold_key, question_reference
from tutor.retrieval import answer_passages

logger = logging.getLogger(__name__)

NOTHING_FOUND_REASON = "the lesson's material does not cover the question"
UNANSWERED_REASON = "the question could not be answered"
ANSWERED, NOT_FOUND, FAILED, SKIPPED = "answered", "not found", "failed", "skipped"
# Calls to the model server per question before the material's quotes are the answer instead.
QUESTION_BACKEND_ATTEMPTS = 2


@dataclass(frozen=True)
class QuestionAsked:
    question: Question
    created: bool  # False when the key was seen before: the same question, nothing charged again


def question_text_clean(text: str) -> str:
    """One line of printable text, at most QUESTION_LENGTH_MAX characters; raises QuestionInvalid otherwise."""
    cleaned = " ".join("".join(char for char in text if char.isprintable() or char.isspace()).split())
    if not cleaned:
        raise QuestionInvalid("Write a question first.")
    if len(cleaned) > QUESTION_LENGTH_MAX:
        raise QuestionInvalid(f"A question is at most {QUESTION_LENGTH_MAX} characters.")
    return cleaned


def question_ask(*, user: User, lesson: Lesson, text: str, idempotency_key: str) -> QuestionAsked:
    """Record the question and hold its price unless it is one of the free ones; a worker answers it after commit.

    Raises QuestionInvalid, NotUnlocked (no unlock, or its credits were returned), QuestionRateLimited,
    QuestionKeyReused (the key was used for another question) and InsufficientCredits (nothing recorded).
    """
    text = question_text_clean(text)
    with transaction.atomic():
        # The learner's row, locked first: the hourly limit counts their questions on every lesson, so two questions
        # on two lessons must count each other (the unlock's lock below only orders questions on one lesson).
        # NO KEY: rows that merely refer to the learner (progress, XP) are still written meanwhile.
        User.objects.select_for_update(no_key=True).filter(pk=user.pk).exists()
        # The learner's unlock, locked: their questions on this lesson are counted and charged one at a time.
        unlock = (
            Unlock.objects.select_for_update(of=("self",))
            .select_related("hold")
            .filter(user=user, lesson=lesson)
            .first()
        )
        existing = Question.objects.select_related("hold").filter(user=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.lesson_id != lesson.pk or existing.text != text:
                raise QuestionKeyReused("This idempotency key was used for another question; send a new key.")
            return QuestionAsked(question=existing, created=False)
        if unlock is None or not unlock.is_active:
            raise NotUnlocked(f"Unlock “{lesson.title}” to ask the tutor about it.")
        now = timezone.now()
        asked = Question.objects.filter(user=user, created_at__gte=now - timedelta(hours=1)).count()
        if asked >= settings.TUTOR_QUESTIONS_PER_HOUR:
            raise QuestionRateLimited(
                f"You asked {asked} questions in the last hour, the most we answer; try again a little later."
            )
        free_used = Question.objects.filter(Question.USES_FREE, user=user, lesson=lesson).count()
        free = next_question_free(used=free_used)
        try:
            with transaction.atomic():
                question = Question.objects.create(
                    user=user, lesson=lesson, text=text, idempotency_key=idempotency_key, free=free, enqueued_at=now
                )
        except IntegrityError:  # the same key, from a request that did not hold the unlock lock (no unlock yet)
            existing = Question.objects.get(user=user, idempotency_key=idempotency_key)
            return QuestionAsked(question=existing, created=False)
        if not free:
            question.hold = hold_place(
                user=user,
                amount=settings.QUESTION_PRICE,
                reason=f"Asked the AI tutor about “{lesson.title}”",
                reference=question_reference(lesson),
                idempotency_key=question_hold_key(client_key=idempotency_key),
                expires_at=now + timedelta(seconds=settings.TUTOR_HOLD_TTL_SECONDS),
            )
            question.save(update_fields=["hold"])
        question_id = question.pk
        transaction.on_commit(lambda: _answer_send(question_id), robust=True)
    return QuestionAsked(question=question, created=True)


def _answer_send(question_id: int) -> None:
    from tutor.tasks import question_answer_task  # the tasks module imports these services

    question_answer_task.delay(question_id)


def _lease() -> timedelta:
    return timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS)


def _claimable(now: datetime) -> Q:
    return Q(status=QuestionStatus.QUEUED) | Q(status=QuestionStatus.WRITING, claimed_at__lt=now - _lease())


def question_answer(*, question_id: int) -> str:
    """Claim the question, find the passages that answer it, write the answer and settle its hold, once."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Question.objects.filter(_claimable(now), pk=question_id, attempts__lt=settings.TUTOR_MAX_ATTEMPTS).update(
        status=QuestionStatus.WRITING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return SKIPPED
    question = Question.objects.select_related("lesson", "hold").get(pk=question_id)
    try:
        written_answer = _answer_write(question)
    except Exception as error:
        logger.exception("Question #%s could not be answered", question_id)
        return _question_fail(question_id=question_id, token=token, error=repr(error))
    with transaction.atomic():
        written = Question.objects.filter(pk=question_id, claim_token=token, status=QuestionStatus.WRITING).update(
            status=QuestionStatus.READY,
            answer_markdown=written_answer.markdown,
            citations=written_answer.citations,
            found=written_answer.found,
            backend=written_answer.backend,
            model=written_answer.model,
            prompt_tokens=written_answer.prompt_tokens,
            completion_tokens=written_answer.completion_tokens,
            answered_at=timezone.now(),
            claim_token="",
            error="",
        )
        if not written:
            return SKIPPED
        _question_settle(question)
    return ANSWERED if written_answer.found else NOT_FOUND


@dataclass(frozen=True)
class _Answer:
    markdown: str
    citations: list[dict[str, object]]
    found: bool
    backend: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def _answer_write(question: Question) -> _Answer:
    """The material's best passages, answered by the backend when it can write answers (the openai one), else
    quoted as they are. The quotes (with their moments) are also the answer when the model server is down or says
    the passages do not hold the answer: retrieval found them relevant, and they are better than nothing."""
    lesson = Lesson.objects.prefetch_related("chapters").get(pk=question.lesson_id)
    retrieved = answer_passages(lesson, question.text)
    best, chapter = retrieved.passages, retrieved.chapter
    quotes = _Answer(
        answer_markdown(best, chapter=chapter),
        answer_citations(best, chapter=chapter),
        retrieved.found,
        "study_guide",
        "retrieval-bm25",
    )
    if not retrieved.found:  # nothing, or only linked lessons' passages: not this lesson's answer
        return quotes
    try:
        backend = backend_get()
    except PermanentBackendError:
        logger.warning("Question #%s: the backend is misconfigured; answered with the material's passages", question.pk)
        return quotes
    answer = getattr(backend, "answer", None)
    if answer is None:
        return quotes
    result = None
    for attempt in range(1, QUESTION_BACKEND_ATTEMPTS + 1):
        try:
            result = answer(question.text, best)
            break
        except TransientBackendError as error:
            logger.warning("Question #%s: the model server failed (attempt %s): %s", question.pk, attempt, error)
        except PermanentBackendError as error:
            logger.warning("Question #%s: the model server refused: %s", question.pk, error)
            break
    if result is None:
        return quotes
    tokens = {"prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens}
    if not result.found:  # the model read the passages and says they do not hold it: quote them all the same
        return dataclasses.replace(quotes, backend=backend.name, model=result.model, **tokens)
    # The model's words, then the passages it was given, quoted with their sources.
    sources = passages_quoted(best, chapter=chapter)
    markdown = f"{result.markdown}\nFrom the lesson's material:\n\n{sources}"
    return dataclasses.replace(quotes, markdown=markdown, backend=backend.name, model=result.model, **tokens)


def _question_settle(question: Question) -> None:
    """Capture the hold of an answered question, release it otherwise; a question without a hold has nothing to do.
    Every way a question ends comes here."""
    hold = Hold.objects.filter(pk=question.hold_id).first() if question.hold_id else None
    if hold is None or hold.status != Hold.Status.OPEN:
        return
    current = Question.objects.get(pk=question.pk)
    try:
        if current.status == QuestionStatus.READY and current.found:
            hold_capture(hold=hold)
        elif current.status in (QuestionStatus.READY, QuestionStatus.FAILED):
            reason = NOTHING_FOUND_REASON if current.status == QuestionStatus.READY else UNANSWERED_REASON
            hold_release(hold=hold, reason=reason)
    except HoldNotOpen:
        pass  # the credits sweeper returned it first: the learner keeps their credits


def _question_fail(*, question_id: int, token: str, error: str) -> str:
    with transaction.atomic():
        failed = Question.objects.filter(pk=question_id, claim_token=token, status=QuestionStatus.WRITING).update(
            status=QuestionStatus.FAILED, error=error[:2000], answered_at=timezone.now(), claim_token=""
        )
        if failed:
            _question_settle(Question.objects.get(pk=question_id))
    return FAILED if failed else SKIPPED


def questions_recover(*, now: datetime | None = None) -> int:
    """Send again every question no worker claimed within TUTOR_QUESTION_REQUEUE_SECONDS (its message was lost, say
    with the broker) or whose worker vanished; fail those out of attempts and settle finished ones left open."""
    now = now or timezone.now()
    resend_before = now - timedelta(seconds=settings.TUTOR_QUESTION_REQUEUE_SECONDS)
    lost = Q(status=QuestionStatus.QUEUED, enqueued_at__lt=resend_before) | Q(
        status=QuestionStatus.WRITING, claimed_at__lt=now - _lease(), enqueued_at__lt=resend_before
    )
    handled = 0
    for question_id, attempts in list(Question.objects.filter(lost).values_list("pk", "attempts")):
        if attempts >= settings.TUTOR_MAX_ATTEMPTS:
            with transaction.atomic():
                failed = Question.objects.filter(lost, pk=question_id).update(
                    status=QuestionStatus.FAILED, error="gave up", answered_at=now, claim_token=""
                )
                if failed:
                    _question_settle(Question.objects.get(pk=question_id))
            handled += failed
            continue
        # Conditional, so two sweeps running at once send it once; the claim makes a duplicate delivery harmless.
        if Question.objects.filter(lost, pk=question_id).update(enqueued_at=now):
            logger.warning("Question #%s was not picked up; sent again", question_id)
            _answer_send(question_id)
            handled += 1
    # Finished questions whose hold is still open (the worker died between writing and settling cannot happen, as
    # both are one transaction; a hold the sweeper could not reach is settled here all the same).
    for question in Question.objects.filter(
        status__in=[QuestionStatus.READY, QuestionStatus.FAILED], hold__status=Hold.Status.OPEN
    ):
        _question_settle(question)
        handled += 1
    return handled


def question_rate(*, user: User, question: Question, stars: int) -> Question:
    if question.user_id != user.pk or question.status != QuestionStatus.READY:
        raise NotUnlocked("Only the learner who asked may rate an answer, once it is written.")
    Question.objects.filter(pk=question.pk).update(stars=stars)
    question.stars = stars
    return question


def question_report(*, user: User, question: Question, reason: str, comment: str = "") -> Question:
    if question.user_id != user.pk or question.status != QuestionStatus.READY:
        raise NotUnlocked("Only the learner who asked may report an answer, once it is written.")
    if reason not in ReportReason.values:
        raise QuestionInvalid("Say what is wrong: wrong, unclear or off topic.")
    Question.objects.filter(pk=question.pk).update(report_reason=reason, report_comment=comment[:2000])
    question.report_reason, question.report_comment = reason, comment[:2000]
    return question

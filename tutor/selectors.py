"""Reads of the tutor: what the lesson page's tutor block shows, what the API answers, and the rendered text."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from core.page_cache import cached_or_computed
from credits.exceptions import not_enough_credits
from credits.models import Hold
from credits.selectors import WalletSummary, wallet_summary
from lessons.exceptions import LessonNotFound
from lessons.models import Lesson, MaterialRequest
from tutor.coverage import MaterialCoverage, lesson_coverage
from tutor.exceptions import NotUnlocked, QuestionNotFound
from tutor.free_questions import free_questions_left as free_questions_rule_left
from tutor.material import OWN_PAGES_PREFIX, allowed_link_prefixes, material_from_json
from tutor.models import Explanation, ExplanationStatus, Question, Rating, Report, Unlock, UnlockStatus
from tutor.rendering import markdown_render

# The states of the tutor block, in the order a learner meets them.
VISITOR = "visitor"  # signed out: "Sign in to unlock …"
DRAFT = "draft"  # staff previewing an unpublished lesson: nothing to unlock yet
LOCKED = "locked"  # signed in, not unlocked: the unlock button (or why it is disabled)
QUEUED = "queued"  # credits held, waiting for a worker
WRITING = "writing"  # a worker is writing; the text so far shows
READY = "ready"  # charged and readable
RETURNED = "returned"  # the credits came back: it could not be written (or took too long); may be unlocked again
LIVE_STATES = frozenset({QUEUED, WRITING})  # the page polls while in one of these


@dataclass(frozen=True)
class TutorPanel:
    """Everything the tutor block on a lesson page shows for one user."""

    lesson: Lesson
    state: str
    summary: WalletSummary | None  # None for visitors
    unlock: Unlock | None = None
    explanation: Explanation | None = None
    html: str = ""  # the explanation (ready) or the text written so far (writing), sanitised
    rating: Rating | None = None
    report: Report | None = None
    questions: tuple[Question, ...] = ()  # the learner's questions on the lesson, newest first (ready state)
    coverage: MaterialCoverage | None = None  # what the tutor has read, shown before paying
    requested: bool = False  # the learner asked for the lesson's transcript

    @property
    def update_note(self) -> str:
        """ "now from the full transcript" when the learner was moved, free, to a version written from more material."""
        if self.unlock is None or self.unlock.updated_from_id is None or self.explanation is None:
            return ""
        return self.explanation.update_note

    @property
    def price(self) -> int:
        return self.lesson.unlock_price

    @property
    def available(self) -> int:
        return self.summary.available if self.summary else 0

    @property
    def can_afford(self) -> bool:
        return self.summary is not None and not self.summary.in_debt and self.available >= self.price

    @property
    def available_after(self) -> int:
        return self.available - self.price

    @property
    def short_by(self) -> int:
        return max(self.price - max(self.available, 0), 0)

    @property
    def not_enough(self) -> str:
        return not_enough_credits(available=self.available, required=self.price)

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def free_questions_left(self) -> int:
        return free_questions_left(self.questions)

    @property
    def question_price(self) -> int:
        return int(settings.QUESTION_PRICE)

    @property
    def returned_amount(self) -> int:
        if self.unlock is not None and self.unlock.hold is not None:
            return self.unlock.hold.amount
        return self.price


def lesson_for_tutor(*, slug: str, user: Any, published_only: bool = False) -> Lesson:
    """The lesson the tutor block belongs to (staff may preview drafts; unlocking needs a published lesson)."""
    lessons = Lesson.objects.published() if published_only else Lesson.objects.visible_to(user)
    try:
        return lessons.select_related("source", "category").get(slug=slug)
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None


def explanation_html(explanation: Explanation, *, partial: bool = False) -> str:
    """The explanation's Markdown (or the text written so far) as sanitised HTML whose links stay on the lesson."""
    markdown = explanation.partial_markdown if partial else explanation.markdown
    if not markdown:
        return ""
    if partial:  # it grows every half second while the worker writes: not worth keeping
        return _explanation_render(explanation, markdown)
    # Kept per version and per text: a new version or a staff edit makes a new key, so a stale text is never shown.
    digest = hashlib.blake2b(markdown.encode(), digest_size=16).hexdigest()
    key = f"tutor:explanation-html:{explanation.pk}:{explanation.version}:{digest}"
    return cached_or_computed(
        key, lambda: _explanation_render(explanation, markdown), timeout=settings.PAGE_CACHE_SECONDS
    )


def _explanation_render(explanation: Explanation, markdown: str) -> str:
    prefixes = allowed_link_prefixes(material_from_json(explanation.material))
    return markdown_render(markdown, allowed_link_prefixes=prefixes)


def unlock_for(*, user: User, lesson: Lesson) -> Unlock | None:
    """The learner's unlock of the lesson with its hold and explanation (one query), or None."""
    return Unlock.objects.select_related("hold", "explanation").filter(user=user, lesson=lesson).first()


def _learner_flags(*, user: User, lesson: Lesson) -> tuple[bool, bool]:
    """Whether the learner ever unlocked the lesson, and whether they asked for its transcript, in one query. Every
    signed-in view of a lesson asks, and most find neither: in plain SQL the answer costs 0.1 ms, where the ORM spends
    1 ms building `unlock_for`'s three-table query."""
    unlocks, requests = Unlock._meta.db_table, MaterialRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {unlocks} WHERE user_id = %s AND lesson_id = %s), "  # noqa: S608 - _meta
            f"EXISTS (SELECT 1 FROM {requests} WHERE user_id = %s AND lesson_id = %s)",
            [user.pk, lesson.pk, user.pk, lesson.pk],
        )
        unlocked, requested = cursor.fetchone()
        return bool(unlocked), bool(requested)


def unlocks_charged_count(user: User) -> int:
    """How many lessons' explanations the learner has paid for: unlocks whose hold was captured (the hold is the
    truth, docs/tutor.md). Gamification's "Curious mind" badge reads it (connected in config/apps.py)."""
    return Unlock.objects.filter(user=user, hold__status=Hold.Status.CAPTURED).count()


def unlock_state(unlock: Unlock | None) -> str:
    """The block's state for an unlock (LOCKED when there is none)."""
    if unlock is None:
        return LOCKED
    state = unlock.state
    if state == UnlockStatus.RETURNED:
        return RETURNED
    status = unlock.explanation.status
    if state == UnlockStatus.CHARGED:
        # Charged means the text was ready when it was captured; a free lesson is "charged" from the start.
        return {
            ExplanationStatus.READY: READY,
            ExplanationStatus.FAILED: RETURNED,
            ExplanationStatus.RUNNING: WRITING,
        }.get(ExplanationStatus(status), QUEUED)
    # Credits held: ready or failed but not settled yet is a moment away from capture or release; keep polling.
    return QUEUED if status == ExplanationStatus.PENDING else WRITING


def tutor_panel_get(
    *, user: Any, lesson: Lesson, summary: WalletSummary | None = None, chapters: Iterable[Any] | None = None
) -> TutorPanel:
    """The tutor block for ``user`` (anonymous allowed). Pass the header's wallet summary to save its query, and the
    chapters the page lists to save theirs (`tutor.coverage.lesson_coverage`)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return TutorPanel(
            lesson=lesson, state=VISITOR, summary=None, coverage=lesson_coverage(lesson, chapters=chapters)
        )
    summary = summary if summary is not None else wallet_summary(user=user)
    unlocked, requested = _learner_flags(user=user, lesson=lesson)
    unlock = unlock_for(user=user, lesson=lesson) if unlocked else None
    state = unlock_state(unlock)
    if state == LOCKED and not lesson.is_published:
        return TutorPanel(
            lesson=lesson, state=DRAFT, summary=summary, coverage=lesson_coverage(lesson, chapters=chapters)
        )
    if unlock is None or state in (LOCKED, RETURNED):
        coverage = lesson_coverage(lesson, chapters=chapters)
        return TutorPanel(
            lesson=lesson, state=state, summary=summary, unlock=unlock, coverage=coverage, requested=requested
        )
    explanation = unlock.explanation
    if state == READY:
        return TutorPanel(
            lesson=lesson,
            state=state,
            summary=summary,
            unlock=unlock,
            explanation=explanation,
            html=explanation_html(explanation),
            rating=Rating.objects.filter(user=user, explanation=explanation).first(),
            report=Report.objects.filter(user=user, explanation=explanation).first(),
            questions=tuple(questions_for(user=user, lesson=lesson)),
        )
    html = explanation_html(explanation, partial=True) if state == WRITING else ""
    return TutorPanel(lesson=lesson, state=state, summary=summary, unlock=unlock, explanation=explanation, html=html)


@dataclass(frozen=True)
class LessonUnlockFields:
    """`unlocked` and `explanation` of the API's lesson detail."""

    unlocked: bool
    explanation_status: str | None

    def as_payload(self) -> dict[str, Any]:
        status = self.explanation_status
        return {"unlocked": self.unlocked, "explanation": {"status": status} if status is not None else None}


def lesson_tutor_fields(*, user: User | None, lesson: Lesson, chapters: Iterable[Any]) -> dict[str, Any]:
    """`unlocked`, `explanation` and `material` of the API's lesson detail: whether ``user`` unlocked the lesson and
    the state of their explanation, what the tutor has read (of the lesson with these chapters), and whether they
    asked for the transcript (false for visitors, whose answer is the shared page's). One query for a learner who
    never unlocked it, two for one who did; none for a visitor once the coverage is kept."""
    coverage = lesson_coverage(lesson, chapters=chapters)
    if user is None:
        return LessonUnlockFields(unlocked=False, explanation_status=None).as_payload() | {
            "material": coverage.as_payload(requested=False)
        }
    unlocked, requested = _learner_flags(user=user, lesson=lesson)
    fields = lesson_unlock_fields(user=user, lesson=lesson) if unlocked else LessonUnlockFields(False, None)
    return fields.as_payload() | {"material": coverage.as_payload(requested=requested)}


def lesson_unlock_fields(*, user: User | None, lesson: Lesson) -> LessonUnlockFields:
    """Whether ``user`` unlocked the lesson (credits held or spent) and the state of their explanation."""
    unlock = unlock_for(user=user, lesson=lesson) if user is not None else None
    if unlock is None or not unlock.is_active:
        return LessonUnlockFields(unlocked=False, explanation_status=None)
    return LessonUnlockFields(unlocked=True, explanation_status=unlock.explanation.status)


def explanation_for_learner(*, user: User, lesson: Lesson) -> Explanation:
    """The explanation the learner unlocked; raises NotUnlocked when they did not (or their credits came back)."""
    unlock = unlock_for(user=user, lesson=lesson)
    if unlock is None or not unlock.is_active:
        raise NotUnlocked(f"Unlock “{lesson.title}” to read its explanation.")
    return unlock.explanation


# --- The learner's data export ------------------------------------------------------------------------------------


def export_for(*, user: User) -> dict[str, object]:
    """The tutor part of the learner's data export: explanations unlocked (and what they cost), ratings, reports."""
    unlocks = Unlock.objects.filter(user=user).select_related("lesson", "hold").order_by("created_at", "id")
    reports = Report.objects.filter(user=user).select_related("explanation__lesson").order_by("created_at", "id")
    ratings = Rating.objects.filter(user=user).select_related("explanation__lesson").order_by("created_at", "id")
    questions = Question.objects.filter(user=user).select_related("lesson", "hold").order_by("created_at", "id")
    return {
        "questions": [
            {
                "lesson": question.lesson.slug,
                "question": question.text,
                "status": question.status,
                "found": question.found,
                "answer_markdown": question.answer_markdown,
                "citations": question.citations,
                "charged": question.charged,
                "stars": question.stars,
                "report_reason": question.report_reason,
                "report_comment": question.report_comment,
                "asked_at": question.created_at.isoformat(),
            }
            for question in questions
        ],
        "unlocks": [
            {
                "lesson": unlock.lesson.slug,
                "state": unlock.state,
                "price": unlock.hold.amount if unlock.hold else 0,
                "unlocked_at": unlock.created_at.isoformat(),
                "settled_at": unlock.settled_at.isoformat() if unlock.settled_at else None,
            }
            for unlock in unlocks
        ],
        "ratings": [
            {"lesson": rating.explanation.lesson.slug, "stars": rating.stars, "rated_at": rating.updated_at.isoformat()}
            for rating in ratings
        ],
        "reports": [
            {
                "lesson": report.explanation.lesson.slug,
                "reason": report.reason,
                "comment": report.comment,
                "reported_at": report.created_at.isoformat(),
                "refunded": report.refund_entry_id is not None,
            }
            for report in reports
        ],
    }


def questions_for(*, user: User, lesson: Lesson) -> list[Question]:
    """The learner's questions on the lesson, newest first, with their holds (one query). Each carries its `number`
    (1 for the first asked): the list shows it as each item's own value, not counted by the browser."""
    questions = list(Question.objects.select_related("hold", "lesson").filter(user=user, lesson=lesson).order_by("-id"))
    for position, question in enumerate(questions):
        question.number = len(questions) - position  # type: ignore[attr-defined]
    return questions


def question_numbered(question: Question) -> Question:
    """The question with its `number` among the learner's questions on its lesson (one query)."""
    earlier = Question.objects.filter(user_id=question.user_id, lesson_id=question.lesson_id, pk__lte=question.pk)
    question.number = earlier.count()  # type: ignore[attr-defined]
    return question


def free_questions_left(questions: tuple[Question, ...] | list[Question]) -> int:
    """Free questions still to come with the unlock: unanswered and not-covered ones do not use one up."""
    return free_questions_rule_left(used=sum(1 for question in questions if question.uses_free))


def question_for_learner(*, user: User, question_id: int) -> Question:
    """The learner's own question; anyone else's is QuestionNotFound, as if it did not exist."""
    question = Question.objects.select_related("hold", "lesson").filter(pk=question_id, user=user).first()
    if question is None:
        raise QuestionNotFound(f"No question #{question_id}.")
    return question


def question_html(question: Question) -> str:
    """The answer as sanitised HTML; links only to the passages' own URLs and to our lesson pages."""
    if not question.answer_markdown:
        return ""
    prefixes = [str(citation.get("url", "")) for citation in question.citations] + [OWN_PAGES_PREFIX]
    return markdown_render(question.answer_markdown, allowed_link_prefixes=prefixes)


@dataclass(frozen=True)
class UnlockedLesson:
    """One lesson whose explanation the learner unlocked, for /me/'s "where was I"."""

    lesson: Lesson
    status: str  # UnlockStatus: pending (being written), charged (theirs), returned (not written, credits back)
    questions: int
    last_question: str


def unlocked_lessons_for(*, user: User, limit: int = 10) -> list[UnlockedLesson]:
    """The learner's unlocks, newest first, each with how many questions they asked on it and the last one: one
    query (the counts and the last question are subqueries of each unlock's row)."""
    asked = Question.objects.filter(user=user, lesson=OuterRef("lesson")).order_by()
    rows = (
        Unlock.objects.filter(user=user)
        .select_related("lesson")
        .only("status", "lesson__slug", "lesson__title")
        .annotate(
            questions=Coalesce(
                Subquery(asked.values("lesson").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                Value(0),
            ),
            last_question=Subquery(asked.order_by("-id").values("text")[:1]),
        )
        .order_by("-id")[:limit]
    )
    return [
        UnlockedLesson(
            lesson=row.lesson, status=row.status, questions=row.questions, last_question=row.last_question or ""
        )
        for row in rows
    ]

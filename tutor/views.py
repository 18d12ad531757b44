"""The tutor block's endpoints: unlock, the status fragment the page polls with htmx, rate and report.

With htmx each answers the block's fragment; without JavaScript each redirects back to the lesson's tutor block,
with the outcome as a message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import signed_in_user
from core.htmx import fragment_or_redirect, sign_in_first
from core.page_cache import fresh_key
from core.rate_limits import RateLimited
from credits.services import IdempotencyConflict, InsufficientCredits
from lessons.exceptions import LessonNotFound
from lessons.models import Lesson
from tutor import selectors, services
from tutor.exceptions import (
    FeedbackNotAllowed,
    NotUnlocked,
    QuestionInvalid,
    QuestionKeyReused,
    QuestionNotFound,
    QuestionRateLimited,
    UnlockKeyReused,
)
from tutor.forms import QuestionForm, RatingForm, ReportForm, UnlockForm
from tutor.models import QUESTION_LENGTH_MAX, Question


def _lesson(slug: str, request: HttpRequest, *, published_only: bool = False) -> Lesson:
    try:
        return selectors.lesson_for_tutor(slug=slug, user=request.user, published_only=published_only)
    except LessonNotFound:
        raise Http404("No such lesson.") from None


def _fragment(
    request: HttpRequest,
    lesson: Lesson,
    *,
    anchor: str,
    template: str,
    context: dict[str, object],
    error: str = "",
    notice: str = "",
) -> HttpResponse:
    """htmx gets the fragment; without it, a redirect back to the lesson's `anchor` with the outcome as a message."""

    def fragment() -> HttpResponse:
        panel = selectors.tutor_panel_get(user=request.user, lesson=lesson)
        response = render(request, template, {"panel": panel, **context})
        response["Cache-Control"] = "no-store"
        return response

    back = f"{lesson.get_absolute_url()}#{anchor}"
    notices = [notice] if notice else []
    return fragment_or_redirect(request, fragment=fragment, redirect_to=back, error=error, notices=notices)


def _panel_response(request: HttpRequest, lesson: Lesson, *, error: str = "", notice: str = "") -> HttpResponse:
    context: dict[str, object] = {
        "error": error,
        "notice": notice,
        "unlock_key": fresh_key(request, "unlock"),
        "question_key": fresh_key(request, "question"),
    }
    template = "tutor/_panel_response.html"
    return _fragment(request, lesson, anchor="tutor", template=template, context=context, error=error, notice=notice)


def _lesson_and_user(request: HttpRequest, slug: str, *, published_only: bool = False) -> tuple[Lesson, User | None]:
    """The lesson a POST is about (404 when the visitor may not see it) and the signed-in learner, if any."""
    return _lesson(slug, request, published_only=published_only), signed_in_user(request.user)


@require_POST
def unlock_view(request: HttpRequest, slug: str) -> HttpResponse:
    lesson, user = _lesson_and_user(request, slug, published_only=True)
    if user is None:
        return sign_in_first(request, next_url=lesson.get_absolute_url())
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, lesson, error="That form was out of date; please try again.")
    try:
        result = services.unlock(user=user, lesson=lesson, idempotency_key=str(form.cleaned_data["idempotency_key"]))
    except InsufficientCredits as error:
        return _panel_response(request, lesson, error=str(error))
    except (UnlockKeyReused, IdempotencyConflict):
        return _panel_response(request, lesson, error="That form was already used; please try again.")
    notice = "" if not result.created else f"Unlocked: ⚡{lesson.unlock_price} are held until the explanation is ready."
    return _panel_response(request, lesson, notice=notice)


@require_GET
@never_cache
def status_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The block's current state: the page polls this every second while the explanation is queued or written."""
    lesson = _lesson(slug, request)
    panel = selectors.tutor_panel_get(user=request.user, lesson=lesson)
    return render(
        request,
        "tutor/_panel_response.html",
        {"panel": panel, "unlock_key": fresh_key(request, "unlock"), "question_key": fresh_key(request, "question")},
    )


def _feedback(
    request: HttpRequest,
    slug: str,
    form_class: type[forms.Form],
    *,
    invalid: str,
    save: Callable[..., object],
    thanks: str,
) -> HttpResponse:
    """Rating and reporting differ only in their form, their service and their words; the steps are the same."""
    lesson, user = _lesson_and_user(request, slug)
    if user is None:
        return sign_in_first(request, next_url=lesson.get_absolute_url())
    unlock = selectors.unlock_for(user=user, lesson=lesson)
    form = form_class(request.POST)
    if unlock is None or not form.is_valid():
        return _panel_response(request, lesson, error=invalid)
    try:
        save(user=user, explanation=unlock.explanation, **form.cleaned_data)
    except (FeedbackNotAllowed, RateLimited) as error:
        return _panel_response(request, lesson, error=str(error))
    return _panel_response(request, lesson, notice=thanks)


@require_POST
def rate_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _feedback(
        request,
        slug,
        RatingForm,
        invalid="Pick from 1 to 5 stars.",
        save=services.rating_save,
        thanks="Thanks for rating this explanation.",
    )


@require_POST
def report_view(request: HttpRequest, slug: str) -> HttpResponse:
    return _feedback(
        request,
        slug,
        ReportForm,
        invalid="Say what is wrong: wrong, unclear or off topic.",
        save=services.report_file,
        thanks="Thanks: our team reads every report.",
    )


def _questions_response(request: HttpRequest, lesson: Lesson, *, error: str = "") -> HttpResponse:
    context: dict[str, object] = {"question_error": error, "question_key": fresh_key(request, "question")}
    return _fragment(
        request, lesson, anchor="tutor-questions", template="tutor/_questions.html", context=context, error=error
    )


@require_POST
def question_ask_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the tutor: the question is answered by a worker; the list shows it at once and polls it."""
    lesson, user = _lesson_and_user(request, slug, published_only=True)
    if user is None:
        return sign_in_first(request, next_url=lesson.get_absolute_url())
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _questions_response(
            request, lesson, error=f"Write a question of up to {QUESTION_LENGTH_MAX} characters."
        )
    try:
        services.question_ask(
            user=user,
            lesson=lesson,
            text=form.cleaned_data["question"],
            idempotency_key=str(form.cleaned_data["idempotency_key"]),
        )
    except (QuestionInvalid, NotUnlocked, QuestionRateLimited) as error:
        return _questions_response(request, lesson, error=str(error))
    except InsufficientCredits as error:
        return _questions_response(request, lesson, error=str(error))
    except (QuestionKeyReused, IdempotencyConflict):
        return _questions_response(request, lesson, error="That form was already used; please try again.")
    return _questions_response(request, lesson)


def _own_question(request: HttpRequest, question_id: int) -> Question:
    user = signed_in_user(request.user)
    if user is None:
        raise Http404("No such question.")
    try:
        return selectors.question_for_learner(user=user, question_id=question_id)
    except QuestionNotFound:
        raise Http404("No such question.") from None


@require_GET
@never_cache
def question_view(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """One question as it stands: the page polls this every second until it is answered."""
    return _question_response(request, _own_question(request, question_id))


def _question_response(request: HttpRequest, question: Question) -> HttpResponse:
    """The question as it stands, numbered; once answered, with the free questions left (one query more)."""
    context: dict[str, object] = {"question": selectors.question_numbered(question)}
    if not question.is_live:
        lesson_questions = selectors.questions_for(user=request.user, lesson=question.lesson)  # type: ignore[arg-type]
        context.update(free_left=selectors.free_questions_left(lesson_questions), price=settings.QUESTION_PRICE)
    return render(request, "tutor/_question_response.html", context)


@require_POST
def question_rate_view(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    question = _own_question(request, question_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        with contextlib.suppress(NotUnlocked):  # not answered yet: nothing to rate
            services.question_rate(user=question.user, question=question, stars=form.cleaned_data["stars"])
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(f"{question.lesson.get_absolute_url()}#tutor-questions")
    return _question_response(request, question)


@require_POST
def question_report_view(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    question = _own_question(request, question_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        with contextlib.suppress(NotUnlocked, QuestionInvalid):
            services.question_report(user=question.user, question=question, **form.cleaned_data)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(f"{question.lesson.get_absolute_url()}#tutor-questions")
    return _question_response(request, question)

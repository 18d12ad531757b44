"""The tutor block's endpoints: unlock, the status fragment the page polls with htmx, rate and report.

With htmx each answers the block's fragment; without JavaScript each redirects back to the lesson's tutor block,
with the outcome as a message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.rate_limits import RateLimited
from credits.services import IdempotencyConflict, InsufficientCredits
from lessons.exceptions import LessonNotFound
from lessons.models import Lesson
from tutor import selectors, services
from tutor.exceptions import FeedbackNotAllowed, UnlockKeyReused
from tutor.forms import RatingForm, ReportForm, UnlockForm


def _learner(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _lesson(slug: str, request: HttpRequest, *, published_only: bool = False) -> Lesson:
    try:
        return selectors.lesson_for_tutor(slug=slug, user=request.user, published_only=published_only)
    except LessonNotFound:
        raise Http404("No such lesson.") from None


def _panel_response(request: HttpRequest, lesson: Lesson, *, error: str = "", notice: str = "") -> HttpResponse:
    # htmx swaps only 2xx answers, so a refusal is a 200 whose fragment says what went wrong.
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        return redirect(f"{lesson.get_absolute_url()}#tutor")
    panel = selectors.tutor_panel_get(user=request.user, lesson=lesson)
    response = render(
        request,
        "tutor/_panel_response.html",
        {"panel": panel, "error": error, "notice": notice, "unlock_key": uuid.uuid4()},
    )
    response["Cache-Control"] = "no-store"
    return response


def _sign_in_first(lesson: Lesson) -> HttpResponse:
    return redirect(f"{reverse('account_login')}?{urlencode({'next': lesson.get_absolute_url()})}")


@require_POST
def unlock_view(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(slug, request, published_only=True)
    user = _learner(request)
    if user is None:
        return _sign_in_first(lesson)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, lesson, error="That form was out of date; please try again.")
    try:
        result = services.unlock(user=user, lesson=lesson, idempotency_key=str(form.cleaned_data["idempotency_key"]))
    except InsufficientCredits as error:
        return _panel_response(
            request,
            lesson,
            error=f"Not enough ⚡: you have ⚡{max(error.available, 0)} available; this costs ⚡{lesson.unlock_price}.",
        )
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
    return render(request, "tutor/_panel_response.html", {"panel": panel, "unlock_key": uuid.uuid4()})


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
    lesson = _lesson(slug, request)
    user = _learner(request)
    if user is None:
        return _sign_in_first(lesson)
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

"""Pages and htmx endpoints: the profile (/me/), the leaderboard, and the lesson page's completion block (its check
questions are practice's part of the block, answered through practice's own endpoint).

Thin: each parses the request, calls one service or selector and renders. htmx requests get the block back with an
HX-Trigger "toast" event listing what was earned; plain form posts get Django messages and a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from accounts.selectors import signed_in_user
from core.content_version import content_version
from core.htmx import fragment_or_redirect, sign_in_first
from core.learner_pages import learner_page
from core.page_cache import fresh_key
from credits.selectors import wallet_summary
from credits.services import InsufficientCredits
from gamification import selectors, services, welcome
from gamification.exceptions import ChecksLeft, CompletionTooSoon, FreezeLimitReached, InvalidDailyGoal
from gamification.profile_parts import profile_part_templates
from gamification.rewards import FREEZE_PRICE_CREDITS
from lessons.exceptions import LessonNotAvailable, LessonNotFound
from lessons.models import Lesson
from lessons.selectors import lesson_published_get, lessons_in_progress_for


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails  # set by django_htmx's middleware


def _lesson(slug: str) -> Lesson:
    try:
        return lesson_published_get(slug=slug)
    except LessonNotFound:
        raise Http404("No such lesson.") from None


def completion_block_answer(
    request: HttpRequest, lesson: Lesson, *, error: str = "", toasts: list[str] | None = None
) -> HttpResponse:
    """The completion block for htmx, or back to the lesson page with the same news as messages."""

    def block() -> HttpResponse:
        panel = selectors.completion_panel_for(user=request.user, lesson=lesson, error=error)
        response = render(request, "gamification/_completion_block.html", {"panel": panel, "lesson": lesson})
        if toasts:
            trigger_client_event(response, "toast", {"messages": toasts})
        return response

    back = reverse("gamification:lesson_check", kwargs={"slug": lesson.slug})
    return fragment_or_redirect(request, fragment=block, redirect_to=back, error=error, notices=toasts or ())


# --- The lesson page's block ------------------------------------------------------------------------------------------


@require_POST
def lesson_opened(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The block reports (htmx, on load) that a signed-in learner has the lesson page open: the completion clock
    starts, and the block comes back with its countdown."""
    lesson = _lesson(slug)
    learner = signed_in_user(request.user)
    if learner is None:
        return HttpResponse(status=204)
    services.lesson_open(user=learner, lesson=lesson)
    if not request.htmx:
        return HttpResponse(status=204)
    panel = selectors.completion_panel_for(user=learner, lesson=lesson)
    return render(request, "gamification/_completion_block.html", {"panel": panel})


@require_GET
def lesson_check(request: HttpRequest, slug: str) -> HttpResponse:
    """The completion block on a page of its own: for browsers without JavaScript, and after a plain form post."""
    panel = selectors.completion_panel_for(user=request.user, lesson=_lesson(slug))
    return render(request, "gamification/lesson_check.html", {"panel": panel})


@require_POST
def lesson_complete(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    lesson = _lesson(slug)
    learner = signed_in_user(request.user)
    if learner is None:
        return sign_in_first(request, next_url=lesson.get_absolute_url())
    try:
        result = services.lesson_complete(user=learner, lesson=lesson)
    except (CompletionTooSoon, ChecksLeft) as not_yet:
        return completion_block_answer(request, lesson, error=str(not_yet))
    except LessonNotAvailable:
        raise Http404("No such lesson.") from None
    toasts = result.gains.messages if result.created else ["You completed this lesson already."]
    return completion_block_answer(request, lesson, toasts=toasts)


# --- Profile ----------------------------------------------------------------------------------------------------------


@require_GET
@learner_page(version=content_version)
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # The header shows the balance too (credits.context_processors.header_balance): one wallet read serves both, and
    # it is the header's own get-or-create, so a first page view still opens the wallet and the two never disagree.
    wallet = wallet_summary(user=user)
    page = selectors.profile_page_for(user=user, wallet=wallet)
    # A fresh key per page view: a double-clicked "buy" buys one freeze, a second visit can buy another.
    context = {
        "page": page,
        "freeze_key": fresh_key(request, "freeze"),
        "credits_summary": wallet,
        "in_progress": lessons_in_progress_for(user=user),
        "profile_parts": profile_part_templates(),
    }
    return render(request, "gamification/profile.html", context)


@require_POST
@login_required
def daily_goal_update(request: HttpRequest) -> HttpResponse:
    try:
        goal = int(request.POST.get("goal", ""))
        gains = services.daily_goal_set(user=request.user, goal=goal)  # type: ignore[arg-type]
    except (ValueError, InvalidDailyGoal) as error:
        messages.error(request, str(error) if isinstance(error, InvalidDailyGoal) else "Pick a daily goal.")
    else:
        messages.success(request, f"Your daily goal is {goal} XP.")
        for toast in gains.messages:
            messages.success(request, toast)
    return redirect("gamification:profile")


@require_POST
@login_required
def league_opt_out_update(request: HttpRequest) -> HttpResponse:
    opted_out = request.POST.get("opt_out") == "1"
    services.league_opt_out_set(user=request.user, opted_out=opted_out)  # type: ignore[arg-type]
    if opted_out:
        messages.success(request, "You have left weekly leagues: your name is off the leaderboard.")
    else:
        messages.success(request, "You are back in weekly leagues from your next XP.")
    return redirect("gamification:profile")


@require_POST
@login_required
def freeze_purchase(request: HttpRequest) -> HttpResponse:
    key = (request.POST.get("key") or "")[:64]
    if not key:
        messages.error(request, "Reload the page and try again.")
        return redirect("gamification:profile")
    try:
        profile = services.freeze_buy(user=request.user, idempotency_key=key)  # type: ignore[arg-type]
    except (FreezeLimitReached, InsufficientCredits) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Streak freeze bought for ⚡{FREEZE_PRICE_CREDITS}: you hold {profile.freezes}. It covers a "
            "missed day by itself.",
        )
    return redirect("gamification:profile")


@require_POST
@login_required
def welcome_close(request: HtmxHttpRequest) -> HttpResponse:
    services.welcome_dismiss(user=request.user)  # type: ignore[arg-type]
    request.session.pop(welcome.SESSION_KEY, None)
    if request.htmx:
        return HttpResponse("")  # the welcome is swapped for nothing
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if safe and back.startswith("/") else "/")


# --- Leaderboard ------------------------------------------------------------------------------------------------------


@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    return render(request, "gamification/leaderboard.html", {"board": selectors.leaderboard_for(user=request.user)})

"""/review/: the learner's due cards one at a time, the answer's feedback at once, then the next card.

htmx swaps the feedback into the card's place (and the header's due count out of band); without JavaScript the form
posts and the same page comes back with the feedback. Each card's form carries a signed note of when it was shown, so
the time the learner took grades a right answer (quick: easy, slow: hard) without trusting the browser's clock.
"""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.models import User
from core.htmx import is_htmx
from practice.header_due import due_count_for, due_count_swap
from practice.models import ReviewCard
from practice.selectors import review_card_get, review_queue_for
from practice.services import CardNotFound, ReviewAnswerInvalid, review_answer

_SHOWN_SALT = "practice.review.shown"
# A card shown longer ago than this was left open, not thought about: its time says nothing (graded as unknown).
SHOWN_SECONDS_MAX = 3600


def shown_token(card_id: int) -> str:
    return signing.dumps({"card": card_id, "at": time.time()}, salt=_SHOWN_SALT, compress=True)


def shown_seconds(token: str, *, card_id: int) -> float | None:
    """Seconds since the card's form was rendered, from its signed note; None when missing, forged or stale."""
    try:
        note = signing.loads(token, salt=_SHOWN_SALT, max_age=SHOWN_SECONDS_MAX)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(note, dict) or note.get("card") != card_id:
        return None
    return max(0.0, time.time() - float(note.get("at", 0)))


def _done(request: HttpRequest) -> int:
    try:
        return max(0, min(10_000, int(request.GET.get("done", request.POST.get("done", "0")))))
    except ValueError:
        return 0


@require_GET
@login_required
def review(request: HttpRequest) -> HttpResponse:
    queue = review_queue_for(user=request.user, limit=2)  # type: ignore[arg-type]
    item = queue.next_due
    done = _done(request)
    context = {
        "item": item,
        "upcoming": None if item is not None else (queue.items[0] if queue.items else None),
        "due_count": queue.due_count,
        "done": done,
        "total": done + queue.due_count,
        "position": done + 1,
        "shown": shown_token(item.card_id) if item is not None else "",
    }
    return render(request, "practice/review.html", context)


@require_POST
@login_required
def review_card_answer(request: HttpRequest, card_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    done = _done(request)
    error = ""
    result = None
    try:
        result = review_answer(
            user=user,
            card_id=card_id,
            choice=request.POST.get("choice") or None,
            seconds=shown_seconds(request.POST.get("shown", ""), card_id=card_id),
        )
    except CardNotFound:
        raise Http404("No such review card.") from None
    except ReviewAnswerInvalid as invalid:
        error = str(invalid)
    try:
        item = review_card_get(user=user, card_id=card_id)
    except ReviewCard.DoesNotExist:
        raise Http404("No such review card.") from None
    due_count = due_count_for(user.pk, now=timezone.now())
    answered = result is not None and result.scheduled
    context = {
        "item": item,
        "result": result,
        "error": error,
        "due_count": due_count,
        "done": done + 1 if answered else done,
        "total": done + (1 if answered else 0) + due_count,
        "position": done + 1,
        "shown": shown_token(card_id),
    }
    if is_htmx(request):
        response = render(request, "practice/_review_card.html", context)
        response.content += due_count_swap(due_count).encode()
        if result is not None and result.gains.messages:
            trigger_client_event(response, "toast", {"messages": result.gains.messages})
        return response
    return render(request, "practice/review.html", context)

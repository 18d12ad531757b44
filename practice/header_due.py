"""The header's count of due review cards, for a signed-in learner, on every page (like the ⚡ beside it).

Full pages read it through the context processor, lazily: a page that never shows the header (a redirect, JSON) asks
nothing. The count is kept in the cache under the learner's version (core/learner_pages.py), so any write to their
cards makes a new key, together with the moment the next card comes due, so a card falling due is counted without a
write: a page rendered for one learner and kept in their own page cache shows only their count, and a visitor's
shared page has no header count at all. An answer to a review through htmx swaps the new count in
(`due_count_swap`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.learner_pages import learner_version
from core.page_cache import cache_call
from practice.models import ReviewCard

DUE_COUNT_SECONDS = 3600


def due_count_for(user_id: int, *, now: datetime | None = None) -> int:
    """How many of the learner's cards are due: from the cache while no card of theirs changed and none came due."""
    from django.core.cache import cache

    now = now or timezone.now()
    version = cache_call(learner_version, user_id)
    key = f"practice:due:{user_id}:{version}"
    kept = cache_call(cache.get, key) if version is not None else None
    if kept is not None:
        count, next_due = kept
        if next_due is None or next_due > now.timestamp():
            return int(count)
    found = ReviewCard.objects.filter(user_id=user_id).aggregate(
        due_now=Count("id", filter=Q(due__lte=now)), due_next=Min("due", filter=Q(due__gt=now))
    )
    next_due_at = found["due_next"].timestamp() if found["due_next"] is not None else None
    if version is not None:
        cache_call(cache.set, key, (found["due_now"], next_due_at), DUE_COUNT_SECONDS)
    return int(found["due_now"])


def review_due(request: HttpRequest) -> dict[str, object]:
    """Context processor: `review_due`, the signed-in learner's due count, read only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"review_due": SimpleLazyObject(lambda: due_count_for(user.pk))}


def due_count_swap(count: int) -> str:
    """The out-of-band element htmx swaps into the header's `[data-review-due]`."""
    return f'<span hx-swap-oob="innerHTML:[data-review-due]">{int(count)}</span>'

"""Learners' feedback on an explanation they paid for: a rating out of five, or a report of what is wrong with it."""

from __future__ import annotations

from accounts.models import User
from core.rate_limits import Limit, rate_limit_consume
from tutor.exceptions import FeedbackNotAllowed
from tutor.models import Explanation, Rating, Report, Unlock, UnlockStatus

# Per learner: enough to change one's mind a few times, too few to flood the curation queue or the averages.
RATING_LIMIT = Limit(action="explanation-rating", times=10, per_seconds=600)
REPORT_LIMIT = Limit(action="explanation-report", times=5, per_seconds=600)


def _require_paid(*, user: User, explanation: Explanation) -> None:
    unlock = Unlock.objects.select_related("hold").filter(user=user, explanation=explanation).first()
    if unlock is None or unlock.state != UnlockStatus.CHARGED or not explanation.is_ready:
        raise FeedbackNotAllowed("Only learners who unlocked this explanation can rate or report it.")


def rating_save(*, user: User, explanation: Explanation, stars: int) -> Rating:
    """Rate from 1 to 5 stars; rating again replaces the earlier rating. RateLimited past RATING_LIMIT."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValueError(f"A rating is 1 to 5 stars, not {stars!r}.")
    _require_paid(user=user, explanation=explanation)
    rate_limit_consume(limit=RATING_LIMIT, user_pk=user.pk)
    rating, _ = Rating.objects.update_or_create(user=user, explanation=explanation, defaults={"stars": stars})
    return rating


def report_file(*, user: User, explanation: Explanation, reason: str, comment: str = "") -> Report:
    """Say the explanation is wrong, unclear or off topic; a second report replaces the first. RateLimited past
    REPORT_LIMIT."""
    if reason not in Report.Reason.values:
        raise ValueError(f"A report's reason is one of {Report.Reason.values}, not {reason!r}.")
    _require_paid(user=user, explanation=explanation)
    rate_limit_consume(limit=REPORT_LIMIT, user_pk=user.pk)
    report, _ = Report.objects.update_or_create(
        user=user, explanation=explanation, defaults={"reason": reason, "comment": comment.strip()[:2000]}
    )
    return report

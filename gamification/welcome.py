"""The first-visit welcome: decided once at sign-in and kept in the session, so pages read no row to show it.

At each sign-in the learner's session gets `welcome` = why their first ⚡ are what they are (the welcome bonus paid,
already claimed by this mailbox, or still to come), or nothing once they closed the welcome. The session's contents
are part of every cached learner page's key (config/learner_pages.py), so closing it can never leave a stale copy nor
show one learner's welcome to another; visitors' pages have no session value and never show it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from accounts.models import User
from credits.selectors import signup_bonus_status
from gamification.selectors import profile_for

SESSION_KEY = "welcome"


def welcome_state(*, user: User) -> str:
    """What the welcome says for this learner ("" once they closed it): a `credits.selectors.BonusStatus` value."""
    if profile_for(user=user).welcome_dismissed_at is not None:
        return ""
    return str(signup_bonus_status(user=user))


def _on_signed_in(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = welcome_state(user=user)


def connect() -> None:
    user_logged_in.connect(_on_signed_in, dispatch_uid="gamification.welcome.signed_in")

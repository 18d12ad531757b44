"""Proof that the person at the keyboard is the account's owner, asked before something that cannot be undone.

Either the account's password, or a sign-in (password, provider or passkey) within allauth's re-authentication
window (ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes by default). allauth's own check lets accounts that have only a
provider through at any time; erasing an account needs the recent sign-in from them too.
"""

import time
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.core import ratelimit
from django.http import HttpRequest

from accounts.models import User


def signed_in_recently(*, user: User, session: Mapping[str, Any]) -> bool:
    """Whether the session (a browser's, or the one behind an app's session token) holds a sign-in of this user
    within the re-authentication window."""
    records = get_authentication_records(SimpleNamespace(session=session), user)
    times = [record["at"] for record in records if isinstance(record.get("at"), int | float)]
    return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


def owner_confirmed(*, request: HttpRequest, user: User, password: str, session: Mapping[str, Any]) -> bool:
    """The password when one is given (guesses count against allauth's re-authentication rate limit), otherwise a
    recent sign-in."""
    if password:
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            return False
        return user.has_usable_password() and user.check_password(password)
    return signed_in_recently(user=user, session=session)

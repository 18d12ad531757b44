"""Who is calling: allauth's session token (apps) or the session cookie with CSRF (browsers), resolved in one place."""

from collections.abc import Callable
from typing import Any

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import SessionAuth

from accounts.models import User


class CookieSessionAuth(SessionAuth):
    """ninja's session auth, but a caller with no signed-in session is simply not authenticated by it.

    ninja checks CSRF before looking at the session, so an anonymous POST would get 403 "CSRF check failed";
    the API promises 401 to anonymous callers, and the CSRF check still guards every signed-in cookie.
    """

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class SessionTokenAuth(XSessionTokenAuth):
    """allauth's X-Session-Token auth, documented as the header it is (allauth's renders as a bare `apiKey` scheme
    without `in` and `name`, which OpenAPI 3.1 refuses and so do client generators)."""

    openapi_in = "header"
    openapi_name = "X-Session-Token"


class VisitorsWelcome:
    """The last auth of an endpoint open to visitors: an anonymous caller gets through, and the OpenAPI document marks
    the operation's sign-in optional (api/openapi.py)."""

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()


x_session_token_auth = SessionTokenAuth()
cookie_session_auth = CookieSessionAuth()
# The token first: with the cookie auth first an app's POST would stop at the CSRF check.
REQUIRED_AUTH: list[Callable[[HttpRequest], Any]] = [x_session_token_auth, cookie_session_auth]
OPTIONAL_AUTH: list[Callable[[HttpRequest], Any]] = [x_session_token_auth, cookie_session_auth, VisitorsWelcome()]


def request_user(request: HttpRequest) -> User | None:
    """The signed-in user behind this API request, or None. With X-Session-Token, request.user stays anonymous."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, User) and auth.is_active:
        return auth
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def require_user(request: HttpRequest) -> User:
    """For endpoints under REQUIRED_AUTH: the auth layer already refused anonymous callers with 401."""
    user = request_user(request)
    assert user is not None, "require_user() is only for endpoints with REQUIRED_AUTH"
    return user

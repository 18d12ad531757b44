"""Who is calling: allauth's session token (apps) or the session cookie with CSRF (browsers), resolved in one place."""

from allauth.headless.contrib.ninja.security import x_session_token_auth
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


def _anonymous(request: HttpRequest) -> AnonymousUser:
    return AnonymousUser()


cookie_session_auth = CookieSessionAuth()
# The token first: with the cookie auth first, ninja would stop an app's POST at the CSRF check and try no further.
REQUIRED_AUTH = [x_session_token_auth, cookie_session_auth]
OPTIONAL_AUTH = [x_session_token_auth, cookie_session_auth, _anonymous]


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

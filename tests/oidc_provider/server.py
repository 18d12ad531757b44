"""A real OpenID Connect provider on loopback for the social sign-in tests (the `oidc-provider-mock` package), wrapped
so a test can see what the client sent it (PKCE) and make it answer a forged id token.

The wrapped provider does not itself enforce PKCE, so the tests check the pair as a provider would: the verifier sent
to the token endpoint must hash to the challenge sent to the authorization endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import oidc_provider_mock
import oidc_provider_mock._app as provider_app
import requests
import werkzeug.serving

PROVIDER_ID = "test-sso"
PROVIDER_NAME = "Test SSO"
CLIENT_ID = "learn-platform"
CLIENT_SECRET = "client-secret-for-tests"
SCOPE = "openid profile email"


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def forge_email(id_token: str, email: str) -> str:
    """The same id token with another email in its claims and the original signature: what a forger could make."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = email
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def id_token_from_provider(provider: OIDCProvider, sub: str) -> str:
    """An id token the provider issues to our client for `sub`, fetched as a mobile app would (authorization code
    flow straight against the provider): what the app then posts to /_allauth/app/v1/auth/provider/token."""
    redirect_uri = "http://127.0.0.1/app-callback"
    authorize = f"{provider.url}/oauth2/authorize"
    params = {"client_id": CLIENT_ID, "redirect_uri": redirect_uri, "response_type": "code", "scope": SCOPE}
    approved = requests.post(authorize, params=params, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    code = parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{provider.url}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return token.json()["id_token"]


def authorize_at_provider(client: Any, sub: str, *, process: str = "login") -> str:
    """Start sign-in on the site with Django's test client, approve as `sub` at the provider over HTTP; returns the
    site's callback path with the code and state, for the test to follow (or tamper with)."""
    started = client.post(f"/accounts/oidc/{PROVIDER_ID}/login/", {"process": process})
    assert started.status_code == 302, started
    approved = requests.post(started.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    callback = urlsplit(approved.headers["Location"])
    return f"{callback.path}?{callback.query}"


@dataclass
class OIDCProvider:
    url: str = ""
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    # When set, the token endpoint's id_token passes through this before it leaves the provider; None drops it.
    rewrite_id_token: Callable[[str], str | None] | None = None
    # When set, the userinfo endpoint's answer passes through this before it leaves the provider.
    rewrite_userinfo: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Sign id tokens without the key id ("kid") in their header, as some providers (and this mock, left alone) do.
    sign_without_kid: bool = False

    def user_set(self, sub: str, claims: dict[str, Any]) -> None:
        """Create or replace a user at the provider, with these claims exactly as the provider will state them."""
        answer = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        assert answer.status_code == 204, answer.text

    def app_settings(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS for a site that uses this provider, as config/settings/auth.py builds it."""
        return {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": PROVIDER_ID,
                        "name": PROVIDER_NAME,
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": self.url},
                    }
                ],
                "OAUTH_PKCE_ENABLED": True,
            }
        }

    def _middleware(self, app: Any) -> Any:
        def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path == "/oauth2/authorize":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                self.authorize_requests.append({key: values[0] for key, values in query.items()})
            if path == "/userinfo" and self.rewrite_userinfo is not None:
                return self._rewritten(app, environ, start_response, self._userinfo_rewrite)
            if path != "/oauth2/token":
                return app(environ, start_response)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            self.token_requests.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
            environ["wsgi.input"] = io.BytesIO(body)
            environ["oidc_provider.sign_without_kid"] = self.sign_without_kid
            if self.rewrite_id_token is None:
                return app(environ, start_response)
            return self._rewritten(app, environ, start_response, self._id_token_rewrite)

        return wrapped

    def _id_token_rewrite(self, answer: dict[str, Any]) -> dict[str, Any]:
        assert self.rewrite_id_token is not None
        id_token = self.rewrite_id_token(answer["id_token"])
        if id_token is None:
            del answer["id_token"]
        else:
            answer["id_token"] = id_token
        return answer

    def _userinfo_rewrite(self, answer: dict[str, Any]) -> dict[str, Any]:
        assert self.rewrite_userinfo is not None
        return self.rewrite_userinfo(answer)

    @staticmethod
    def _rewritten(
        app: Any,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        rewrite: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> Iterable[bytes]:
        """The provider's JSON answer, passed through `rewrite` when it is a success."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        answer = b"".join(app(environ, capture))
        if captured["status"].startswith("200"):
            answer = json.dumps(rewrite(json.loads(answer))).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(answer)))])
        return [answer]


def _header_with_kid(self: Any, client: Any) -> dict[str, str]:
    # oidc-provider-mock 0.3 with Authlib 1.9 signs id tokens without the key id ("kid") that its JWKS publishes and
    # that most providers send; clients look the key up by it. Put it back, unless the test asked for a token without.
    header = {"alg": self.get_client_algorithm(client)}
    if not flask.request.environ.get("oidc_provider.sign_without_kid"):
        header["kid"] = provider_app.storage.jwk.as_dict()["kid"]
    return header


@contextmanager
def oidc_provider_running(users: Iterable[oidc_provider_mock.User] = ()) -> Iterator[OIDCProvider]:
    """The provider on 127.0.0.1 (a free port) in a thread, stopped when the block ends."""
    provider_app.OpenIDCode.get_encode_header = _header_with_kid  # type: ignore[method-assign]
    provider = OIDCProvider()
    app = oidc_provider_mock.app(require_client_registration=False, user_claims=tuple(users))
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider._middleware(app), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

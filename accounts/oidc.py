"""OpenID Connect sign-in where the signed id token decides who signs in, in the browser callback and in the app's
token sign-in alike.

allauth (65.21) skips the id token's signature when it fetched the token itself, prefers the unsigned userinfo answer
for the identity, fetches userinfo alone when the token endpoint sends no id token, and looks the signing key up by
the token header's `kid` and `alg` as given (a token without either is a 500). Here:

- an id token is required, and its signature always checked: a proxy or TLS terminator between us and the provider
  must not choose who signs in;
- userinfo is used only when its `sub` is the id token's (OpenID Connect Core 5.3.2), and the identity claims (`sub`,
  `email`, `email_verified`) are the id token's whenever it carries them;
- the key is the JWKS entry named by `kid`, or the only signing key when the token names none; only asymmetric
  algorithms, and the key's own when it states one; anything we cannot verify is an OAuth2Error, which the callback
  shows as a sign-in failure and the app endpoint answers as 400 `invalid_token`.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse

# Public-key signatures only: with a symmetric algorithm anyone who knows the key (the client secret) could sign.
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# What says who the person is: taken from the signed id token whenever it carries them.
IDENTITY_CLAIMS = ("sub", "email", "email_verified")


def _signing_key(header: dict[str, Any], keys_url: str) -> jwt.PyJWK:
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in SIGNING_ALGORITHMS:
        raise OAuth2Error(f"id token signed with an algorithm we do not accept: {algorithm!r}")
    with get_adapter().get_requests_session() as session:
        response = session.get(keys_url)
        response.raise_for_status()
        keys_data = response.json()
    keys = keys_data.get("keys") if isinstance(keys_data, dict) else None
    if not isinstance(keys, list):
        raise OAuth2Error("the provider's JWKS has no list of keys")
    keys = [key for key in keys if isinstance(key, dict)]
    if "kid" in header:
        candidates = [key for key in keys if key.get("kid") == header["kid"]]
    else:
        # A token that names no key is signed with the provider's only signing key, or cannot be told apart.
        candidates = [key for key in keys if key.get("use", "sig") == "sig"]
    if len(candidates) != 1:
        raise OAuth2Error(f"no single key of the provider matches the id token's key id {header.get('kid')!r}")
    key = candidates[0]
    if key.get("alg", algorithm) != algorithm:
        raise OAuth2Error(f"the id token's algorithm {algorithm!r} is not its key's")
    return jwt.PyJWK(key, algorithm=algorithm)


def id_token_verify(*, id_token: object, openid_config: dict[str, Any], client_id: str) -> dict[str, Any]:
    """The claims of a signed id token meant for us; OAuth2Error for anything missing, unreadable or not verified.

    Checks the signature, issuer, audience, expiry and that `sub` and `iat` are there; a token seen before (`jti`)
    is refused as a replay, as allauth does.
    """
    if not isinstance(id_token, str) or not id_token:
        raise OAuth2Error("the provider sent no id token")
    try:
        header = jwt.get_unverified_header(id_token)
        key = _signing_key(header, openid_config["jwks_uri"])
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=[header["alg"]],
            audience=client_id,
            issuer=openid_config["issuer"],
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as error:
        raise OAuth2Error("Invalid id_token") from error
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise OAuth2Error("the id token names no subject")
    jwtkit.verify_jti(claims)
    return claims


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any) -> SocialLogin:
        claims = id_token_verify(
            id_token=kwargs["response"].get("id_token"), openid_config=self.openid_config, client_id=app.client_id
        )
        data: dict[str, Any] = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
                raise OAuth2Error("the provider's userinfo is about another subject than its id token")
            data["userinfo"] = {**userinfo, **{name: claims[name] for name in IDENTITY_CLAIMS if name in claims}}
        return self.get_provider().sociallogin_from_response(request, data)


class VerifiedOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider whose callback and app token sign-in go through `id_token_verify`.

    The social adapter hands it out for every OpenID Connect app (accounts.adapter.SocialAccountAdapter.get_provider).
    """

    oauth2_adapter_class = SignatureCheckingAdapter

    def verify_token(self, request: HttpRequest, token: dict[str, Any]) -> SocialLogin:
        try:
            openid_config = self.get_oauth2_adapter(request).openid_config
            claims = id_token_verify(
                id_token=token.get("id_token"), openid_config=openid_config, client_id=self.app.client_id
            )
        except (OAuth2Error, requests.RequestException) as error:
            raise get_adapter().validation_error("invalid_token") from error
        # Wrapped as the browser callback stores it, so a claim named "userinfo" inside the token cannot pass for one.
        return self.sociallogin_from_response(request, {"id_token": claims})


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(SignatureCheckingAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error

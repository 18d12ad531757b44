"""Whether a sign-in provider vouched for an address: only a claim that says true in so many words counts.

With email authentication on, a verified provider address signs in to the account that owns it; so the flag decides
who gets into an account. Providers type it differently (a JSON boolean, or the string "true"/"false" in AWS Cognito's
userInfo and in Keycloak or Azure B2C claim mappers), and allauth keeps or `bool()`s what it is given: the string
"false" is truthy. Here every address of every provider is decided again, strictly, before allauth looks for the
account it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialLogin

# The names providers give the claim: OpenID Connect's, and Google's older userinfo.
VERIFIED_CLAIMS = ("email_verified", "verified_email")


def claim_is_true(value: object) -> bool:
    """True only for the JSON boolean true or the string "true" (any case); anything else, missing included, is no."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _claim_sets(extra_data: Any) -> Iterator[dict[str, Any]]:
    """The dictionaries of claims a provider's answer holds: the answer itself, and OpenID Connect's two parts."""
    if not isinstance(extra_data, dict):
        return
    yield extra_data
    for part in ("userinfo", "id_token"):
        if isinstance(extra_data.get(part), dict):
            yield extra_data[part]


def sociallogin_addresses_verify(sociallogin: SocialLogin) -> None:
    """Set each address's `verified` to a real bool: true only when the provider's own flag is strictly true and no
    claim about that address says otherwise, or when the site's provider settings vouch for the address."""
    adapter = get_adapter()
    claim_sets = list(_claim_sets(sociallogin.account.extra_data))
    for address in sociallogin.email_addresses:
        verified = claim_is_true(address.verified)
        for claims in claim_sets:
            email = claims.get("email")
            if not isinstance(email, str) or email.lower() != (address.email or "").lower():
                continue
            if any(name in claims and not claim_is_true(claims[name]) for name in VERIFIED_CLAIMS):
                verified = False
        address.verified = verified or bool(adapter.is_email_verified(sociallogin.provider, address.email))

"""Reads about accounts: who is signed in, and what the data export says about the person and how they sign in."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount

from accounts.models import User


def export_for(*, user: User) -> dict[str, Any]:
    """The account part of the learner's data export: profile, addresses, sign-in providers and second factors.

    No secrets: no password hash, provider tokens, TOTP seeds, recovery codes or passkey keys.
    """
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "has_password": user.has_usable_password(),
        },
        "emails": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "sign_in_providers": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "connected_at": account.date_joined.isoformat(),
                "last_login": account.last_login.isoformat(),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("id")
        ],
        "second_factors": [
            {
                "type": authenticator.type,
                "name": (authenticator.data or {}).get("name", "") if authenticator.type == "webauthn" else "",
                "created_at": authenticator.created_at.isoformat(),
                "last_used_at": authenticator.last_used_at.isoformat() if authenticator.last_used_at else None,
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("id")
        ],
    }


def signed_in_user(user: Any) -> User | None:
    """The user when someone is signed in (`request.user`, or what an API's auth resolved), else None."""
    return user if isinstance(user, User) and user.is_authenticated else None

"""allauth tells credits when an address is known to be its owner's: that moment pays the welcome bonus.

Wired in CreditsConfig.ready(). The receivers only translate allauth's signals into one service call; the rule (once
per person and per normalised address) lives in `signup_bonus_grant`.
"""

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up

from accounts.models import User
from credits.services import signup_bonus_grant


def bonus_on_email_confirmed(*, email_address: EmailAddress, **kwargs: Any) -> None:
    """The learner followed the link in the verification email (or staff marked the address verified)."""
    signup_bonus_grant(user=email_address.user, email=email_address.email)


def bonus_on_signed_up(*, user: User, **kwargs: Any) -> None:
    """A sign-up that needs no confirmation: verification is off, or a social provider vouched for the address."""
    if account_settings.EMAIL_VERIFICATION == account_settings.EmailVerificationMethod.NONE:
        signup_bonus_grant(user=user)
        return
    verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk").first()
    if verified is not None:
        signup_bonus_grant(user=user, email=verified.email)


def connect() -> None:
    email_confirmed.connect(bonus_on_email_confirmed, dispatch_uid="credits.signup_bonus.email_confirmed")
    user_signed_up.connect(bonus_on_signed_up, dispatch_uid="credits.signup_bonus.user_signed_up")

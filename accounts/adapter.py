"""allauth adapters: fill in what our user model adds (display name) when someone signs up, and decide strictly what a
sign-in provider's answer may vouch for."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import Provider
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest

from accounts.models import User
from accounts.oidc import VerifiedOpenIDConnectProvider
from accounts.verified_claims import sociallogin_addresses_verify


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        display_name = (form.cleaned_data.get("display_name") or "").strip() if hasattr(form, "cleaned_data") else ""
        user.display_name = display_name[:40]
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        # allauth calls this for every provider, browser callback and app token alike, once the addresses are read
        # and before it looks for the account they belong to: the moment to decide what counts as verified.
        sociallogin_addresses_verify(sociallogin)
        return super().populate_user(request, sociallogin, data)

    def get_provider(self, request: HttpRequest, provider: str, client_id: str | None = None) -> Provider:
        # Every provider instance comes from here (callbacks, the app's token endpoint, connected accounts): OpenID
        # Connect apps get the provider that lets only the verified id token decide who signs in (accounts/oidc.py).
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return VerifiedOpenIDConnectProvider(request, app=found.app)
        return found

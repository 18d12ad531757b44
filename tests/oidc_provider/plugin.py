"""pytest fixtures for the local OpenID Connect provider and a site configured to sign in with it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from oidc_provider_mock import User as ProviderUser

from .server import OIDCProvider, oidc_provider_running

ADA = ProviderUser(sub="ada", claims={"email": "ada@example.com", "email_verified": True, "name": "Ada"})
# An address the provider does not vouch for: it must never reach the account that owns it here.
MALLORY = ProviderUser(sub="mallory", claims={"email": "victim@example.com", "email_verified": False})
VICTIM = ProviderUser(sub="victim", claims={"email": "victim@example.com", "email_verified": True})


@pytest.fixture
def oidc_provider(settings: Any) -> Iterator[OIDCProvider]:
    """A running provider that knows Ada, Mallory and Victim, and the site's settings pointing at it."""
    with oidc_provider_running(users=[ADA, MALLORY, VICTIM]) as provider:
        settings.SOCIALACCOUNT_PROVIDERS = provider.app_settings()
        # As config/settings/auth.py does for a configured provider: the sign-in form may lead to its origin.
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"].append(provider.url)
        settings.CONTENT_SECURITY_POLICY = policy
        yield provider

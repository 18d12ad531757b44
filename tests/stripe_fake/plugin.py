"""pytest fixtures for the local Stripe: a server for the whole session, wiped before each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .server import DEFAULT_WEBHOOK_SECRET, FakeStripe

STRIPE_TEST_SECRET_KEY = "sk_test_local"
STRIPE_TEST_WEBHOOK_SECRET = DEFAULT_WEBHOOK_SECRET


@pytest.fixture(scope="session")
def _fake_stripe_server() -> Iterator[FakeStripe]:
    fake = FakeStripe(secret=STRIPE_TEST_WEBHOOK_SECRET).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_stripe(_fake_stripe_server: FakeStripe) -> Iterator[FakeStripe]:
    """The running local Stripe, with no sessions, charges, events or webhook target left from earlier tests."""
    _fake_stripe_server.reset()
    yield _fake_stripe_server
    _fake_stripe_server.reset()


@pytest.fixture
def stripe_settings(settings: Any, fake_stripe: FakeStripe) -> Any:
    """Django settings pointing the gateway at the local Stripe, with the fake signing events by the same secret."""
    settings.STRIPE_SECRET_KEY = STRIPE_TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_TEST_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.base_url
    fake_stripe.secret = STRIPE_TEST_WEBHOOK_SECRET
    return settings

"""What can go wrong when buying ⚡; callers turn these into a message or an HTTP status (api/errors.py).

A key reused for another pack is the ledger's `IdempotencyConflict` (credits.exceptions), as for every other key.
"""

# The names say what happened (PackNotAvailable, CheckoutFailed) and are the contract other apps import.
# ruff: noqa: N818


class PurchasesError(Exception):
    """Base class of every purchases error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class PurchasesUnavailable(PurchasesError):
    """Stripe is not configured here (STRIPE_SECRET_KEY is empty): packs can be shown but not bought."""

    http_status = 503


class PackNotAvailable(PurchasesError):
    """The pack does not exist or is no longer on sale."""

    http_status = 404


class CheckoutRateLimited(PurchasesError):
    """The learner started more checkouts than allowed lately; ``retry_after`` says in how many seconds one is free."""

    http_status = 429

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"You started several purchases in a short time: try again in {minutes} min, or finish one already open."
        )


class CheckoutFailed(PurchasesError):
    """Stripe could not start a checkout; the message is safe to show. Trying again with the same key is safe."""

    http_status = 502

"""The purchases' reference ("purchase:7", on their ledger entries) and the idempotency keys they produce.

The ledger links the reference to the purchase's page through the link `purchases.apps` adds at start-up.
"""

from credits.references import KeyFormat, reference_id

PURCHASE_PREFIX = "purchase:"


def purchase_reference(purchase_id: int) -> str:
    return f"{PURCHASE_PREFIX}{purchase_id}"


def purchase_reference_parse(reference: str) -> int | None:
    """The purchase id in "purchase:7", or None when the string is not a purchase's reference."""
    return reference_id(reference, prefix=PURCHASE_PREFIX)


# Stripe's key for creating a purchase's Checkout Session: a retried request makes one session.
purchase_checkout_key = KeyFormat("{reference}:checkout")
# What a Stripe object did to a purchase's credits, once per object and outcome: a paid session's "credit", a refund's
# "refunded-to:<credits taken back so far>", a dispute's "disputed" and, closed in the learner's favour, "closed-won".
stripe_key = KeyFormat("stripe:{stripe_id}:{outcome}")

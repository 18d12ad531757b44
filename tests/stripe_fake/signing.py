"""Sign webhook bodies the way Stripe does, so tests can deliver events without the stripe library."""

from __future__ import annotations

import hashlib
import hmac
import time


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Return a `Stripe-Signature` header value: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>">`."""
    if timestamp is None:
        timestamp = int(time.time())
    # Stripe signs the exact bytes it sends, prefixed with the timestamp; any re-serialisation breaks the match.
    signed = str(timestamp).encode("ascii") + b"." + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"

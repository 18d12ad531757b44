"""The references and idempotency keys practice writes (XP for a review), built here only."""

from __future__ import annotations

from credits.references import KeyFormat

# XP keys are unique per learner: one review XP event per card and due date, whatever path answers it.
review_xp_key = KeyFormat("review:{card_id}:{due}")


def review_reference(card_id: int) -> str:
    return f"review:{card_id}"

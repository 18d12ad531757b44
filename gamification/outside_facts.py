"""Counts about a learner that apps beside gamification own, which badge rules read (`LearnerFacts`).

Gamification cannot import the tutor (they sit side by side above lessons and credits), and it must not parse the
tutor's ledger references either. So it asks a counter the layer above both hands it: config/apps.py connects the
tutor's own selector at start-up. Without one (the tutor not installed), the count is 0.
"""

from collections.abc import Callable

from accounts.models import User

UnlockCounter = Callable[[User], int]

_unlock_counter: list[UnlockCounter] = []


def unlock_counter_set(counter: UnlockCounter) -> None:
    """How many lesson explanations the learner has paid for (the tutor's `unlocks_charged_count`)."""
    _unlock_counter[:] = [counter]


def unlocks_count(*, user: User) -> int:
    return _unlock_counter[0](user) if _unlock_counter else 0

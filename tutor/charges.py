"""Who wants to know when a learner is charged for an unlock (gamification's "Curious mind" badge), told once the
charge is committed. The tutor does not know its listeners: the layer above connects them (config/apps.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

UnlockChargedListener = Callable[[int], None]  # called with the learner's user id

_listeners: list[UnlockChargedListener] = []


def unlock_charged_listen(listener: UnlockChargedListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unlock_charged(*, user_id: int) -> None:
    """The learner's unlock was charged: each listener runs after the commit (a listener's failure is logged by
    Django and never undoes the charge)."""
    for listener in _listeners:
        transaction.on_commit(lambda listener=listener: listener(user_id), robust=True)  # type: ignore[misc]

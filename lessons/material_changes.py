"""Who wants to know when a lesson's material may have changed (practice makes its check questions again), told once
the change is committed.

`lessons` writes the material (publishing, chapters, a transcript, a merge, a curator's edit in the admin) but does
not know who reads it; an upper app listens in its AppConfig.ready() (`lesson_material_listen`). The services that
change what a published lesson says, or publish it, call `lesson_material_changed(lesson_ids=…)` (a draft's or an
incoming item's material is read when it is published); the apps beside each other above `lessons`
(the tutor's transcript upload and regeneration) call it too. A listener decides itself whether anything changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

MaterialListener = Callable[[list[int]], None]  # called with the ids of the lessons whose material may have changed

_listeners: list[MaterialListener] = []


def lesson_material_listen(listener: MaterialListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def lesson_material_changed(*, lesson_ids: Iterable[int]) -> None:
    """The lessons' material may have changed: each listener runs after the commit (a listener's failure is logged
    by Django and never undoes the change)."""
    ids = sorted(set(lesson_ids))
    if not ids:
        return
    for listener in _listeners:
        transaction.on_commit(lambda listener=listener: listener(ids), robust=True)  # type: ignore[misc]

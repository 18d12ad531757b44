"""References: the short strings on ledger entries and holds that say what they were for ("purchase:7").

Each format belongs to the app that writes it, which builds and reads it with its own functions (purchases.references
for purchases, tutor.references for unlocks, gamification.references for lesson rewards); no other app parses it. The
statement links a reference to its page through the links those apps add in their AppConfig.ready(): a prefix and a
function that reverse()s the URL when the statement is drawn, so no URL path is written down twice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch

_links: dict[str, Callable[[str], str]] = {}


def reference_id(reference: str, *, prefix: str) -> int | None:
    """The id after `prefix` in `reference`; None when the reference has another prefix or no whole number after it.
    For the owners' parsers: each app reads only its own format."""
    rest = reference.removeprefix(prefix)
    return int(rest) if rest != reference and rest.isdigit() else None


def reference_link_add(*, prefix: str, url_for: Callable[[str], str]) -> None:
    """Link references that start with `prefix`: `url_for` gets the rest of the reference and returns the page."""
    _links[prefix] = url_for


def reference_url(reference: str) -> str | None:
    """The page a reference points at (the longest matching prefix wins); None when unknown or not a page."""
    for prefix in sorted(_links, key=len, reverse=True):
        if reference.startswith(prefix) and (rest := reference[len(prefix) :]):
            try:
                return _links[prefix](rest)
            except (NoReverseMatch, ValueError):
                return None
    return None


# --- Idempotency keys: each producer keeps its keys' formats beside its references, and builds them only there ------


@dataclass(frozen=True)
class KeyFormat:
    """An idempotency key's format: ``fmt(hold_id=7)`` builds one. A part the format names and the call does not
    give is a KeyError, never a key with a hole in it."""

    template: str

    def __call__(self, **parts: object) -> str:
        return self.template.format(**parts)


# The spend entry of a hold's capture: one per hold, whichever write path captures it.
hold_capture_key = KeyFormat("hold:{hold_id}:capture")

"""One-line "Learn …" summaries of a lesson's material, for whoever suggests a summary (the sources pipeline).

Writing one takes the tutor's backend (the model, or the extractive study guide), and only the tutor talks to a
model; the pipeline sits beside the tutor and may not import it. So, like the lesson page's slots, `lessons` offers
the hook and the tutor fills it in its AppConfig.ready(): `summary_writer_set(tutor.summaries.summary_lines)`.
Without the tutor installed there is no writer, and every line is "" (no suggestion).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

SummaryWriter = Callable[..., list[str]]  # (*, items: Sequence[tuple[str, str]]) -> one line per item

_writer: list[SummaryWriter] = []


def summary_writer_set(writer: SummaryWriter) -> None:
    """Who writes the lines from now on (the tutor, at start-up). Setting it again replaces it."""
    _writer[:] = [writer]


def summary_lines(*, items: Sequence[tuple[str, str]]) -> list[str]:
    """A "Learn …" line per (title, text), in order; "" for a text with nothing to summarise or with no writer."""
    if not items:
        return []
    if not _writer:
        return [""] * len(items)
    return _writer[0](items=items)

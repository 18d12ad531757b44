"""One-line "Learn …" summaries of a lesson's material, written by the configured backend: the model when the
`openai` backend is configured, else extractively (one sentence of the material itself)."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.backends import PermanentBackendError, backend_get


def summary_lines(*, items: Sequence[tuple[str, str]]) -> list[str]:
    """A "Learn …" line per (title, text), in order; "" for a text with nothing to summarise.

    Never raises: a backend that is misconfigured, or that offers no summary line (a test double), gives way to the
    extractive line, and the openai backend falls back to it on any failure. One backend serves the whole batch, so
    a model server that is down costs one timeout, not one per item.
    """
    if not items:
        return []
    from tutor.backends.study_guide import StudyGuideBackend

    try:
        backend = backend_get()
    except PermanentBackendError:
        backend = StudyGuideBackend()
    if not callable(getattr(backend, "summary_line", None)):
        backend = StudyGuideBackend()
    return [backend.summary_line(title=title, text=text) for title, text in items]

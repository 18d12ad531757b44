"""The offline answer to a learner's question: the best passages of the material, quoted, each with its source."""

from __future__ import annotations

from collections.abc import Sequence

from tutor.backends.base import timestamp_format
from tutor.backends.study_guide import markdown_escape
from tutor.retrieval import Passage

NOT_COVERED = (
    "The lesson's material does not cover this question, so the tutor has nothing to quote about it. "
    "You were not charged for it."
)
FOUND_INTRO = "Here is what the lesson's material says about it:"


def passage_source(passage: Passage) -> str:
    """Where a passage comes from, as a Markdown link: its moment in the lesson, or the lesson it comes from."""
    if not passage.own:
        year = f" ({passage.lesson_year})" if passage.lesson_year else ""
        return f"[the lesson *{markdown_escape(passage.lesson_title)}*{year}]({passage.url})"
    if passage.start_seconds is not None:
        label = f"{timestamp_format(passage.start_seconds)} {passage.chapter_title}".strip()
        return f"[{markdown_escape(label)}]({passage.url})"
    return "the lesson's text" if passage.chapter_title else "the lesson's description"


def answer_markdown(passages: Sequence[Passage]) -> str:
    """Every sentence is a passage of some lesson's material or this module's fixed wording."""
    if not passages:
        return NOT_COVERED + "\n"
    lines = [FOUND_INTRO, ""]
    for passage in passages:
        lines += [f"> {markdown_escape(passage.text)}", ">", f"> — {passage_source(passage)}", ""]
    return "\n".join(lines)

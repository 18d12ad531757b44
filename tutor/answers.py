"""The offline answer to a learner's question: the best passages of the material, quoted, each with its source.

A source says where the passage really comes from (the transcript at a moment, the article, the paper's abstract,
the lesson's text or description) and links to it: the moment or chapter in the video, the sentence in the article.
Passages of a lesson the asked one links to are named as such; an answer made only of them is not an answer from
this lesson (`tutor.retrieval.answer_found`) and says so first.
"""

from __future__ import annotations

from collections.abc import Sequence

from tutor.backends.base import timestamp_format
from tutor.backends.study_guide import markdown_escape
from tutor.retrieval import (
    ORIGIN_ABSTRACT,
    ORIGIN_ARTICLE,
    ORIGIN_DESCRIPTION,
    ORIGIN_TEXT,
    ORIGIN_TRANSCRIPT,
    Passage,
    answer_found,
)

NOT_COVERED = (
    "The lesson's material does not cover this question, so the tutor has nothing to quote about it. "
    "You were not charged for it."
)
ONLY_LINKED = (
    "The lesson's own material does not cover this question, so you were not charged for it. "
    "A lesson it links to says this about it:"
)
FOUND_INTRO = "Here is what the lesson's material says about it:"
CHAPTER_LINE = "In the lesson, see"
_ORIGIN_NAMES = {
    ORIGIN_TRANSCRIPT: "the transcript",
    ORIGIN_ARTICLE: "the article",
    ORIGIN_ABSTRACT: "the paper's abstract",
    ORIGIN_TEXT: "the lesson's text",
    ORIGIN_DESCRIPTION: "the lesson's description",
}


def _moment_link(start: int, title: str, url: str) -> str:
    label = f"{timestamp_format(start)} {title}".strip()
    return f"[{markdown_escape(label)}]({url})"


def passage_source(passage: Passage) -> str:
    """Where a passage comes from, as Markdown: its origin, linked to its moment, chapter or sentence, or the linked
    lesson it comes from."""
    origin = _ORIGIN_NAMES.get(passage.origin, "the lesson's material")
    if not passage.own:
        year = f" ({passage.lesson_year})" if passage.lesson_year else ""
        title = f"the lesson *{markdown_escape(passage.lesson_title)}*{year}"
        where = origin.replace("the lesson's ", "its ").replace("the paper's ", "its ")
        return f"[{title}]({passage.url}), a lesson this one links to ({where})"
    if passage.start_seconds is not None:
        return f"{origin} at {_moment_link(passage.start_seconds, passage.chapter_title, passage.url)}"
    if passage.chapter_start is not None:
        return f"{origin}, on {_moment_link(passage.chapter_start, passage.chapter_title, passage.chapter_url)}"
    if passage.url and passage.origin != ORIGIN_DESCRIPTION:
        return f"[{origin}]({passage.url})"
    return origin


def passages_quoted(passages: Sequence[Passage], *, chapter: Passage | None = None) -> str:
    """The passages as Markdown quotes, each with its source; then the chapter cited besides, if any."""
    lines: list[str] = []
    for passage in passages:
        lines += [f"> {markdown_escape(passage.text)}", ">", f"> — {passage_source(passage)}", ""]
    if chapter is not None and chapter.start_seconds is not None:
        lines += [f"{CHAPTER_LINE} {_moment_link(chapter.start_seconds, chapter.chapter_title, chapter.url)}.", ""]
    return "\n".join(lines)


def answer_markdown(passages: Sequence[Passage], *, chapter: Passage | None = None) -> str:
    """Every sentence is a passage of some lesson's material or this module's fixed wording."""
    if not passages:
        return NOT_COVERED + "\n"
    intro = FOUND_INTRO if answer_found(passages) else ONLY_LINKED
    return f"{intro}\n\n{passages_quoted(passages, chapter=chapter)}"


def answer_citations(passages: Sequence[Passage], *, chapter: Passage | None = None) -> list[dict[str, object]]:
    """What the API lists under an answer: every passage quoted, and the chapter cited besides."""
    citations = [passage.as_citation() for passage in passages]
    if chapter is not None:
        citations.append(chapter.as_citation())
    return citations

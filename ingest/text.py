"""Plain text out of the HTML that feeds carry (titles, show notes, summaries): block elements become line breaks."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "section"}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """Text of an HTML fragment with one line per block, so chapter lists in show notes keep their lines.

    Character references are decoded exactly once, tags or not: "Q&amp;A" and "&quot;" read "Q&A" and '"', while
    "&amp;lt;" reads "&lt;" (the author wrote those four characters).
    """
    if "<" not in html and "&" not in html:
        return _lines(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _lines(re.sub(r"<[^>]+>", " ", html))
    for element in root.iter():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
        elif tag in _CELLS:
            element.tail = " " + (element.tail or "")
    return _lines(root.text_content())


def html_to_line(html: str) -> str:
    """One line of plain text (a title): tags dropped, references decoded once, whitespace collapsed."""
    return " ".join(html_to_text(html).split())


def _lines(text: str) -> str:
    # NUL is no character of any text, and PostgreSQL refuses it.
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\x00", "").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()

"""Plain text out of the HTML that feeds carry (titles, show notes, summaries): block elements become line breaks."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "section"}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# HTML whose last line was ended by its author: it stops with a <br> or a block's closing tag, perhaps inside other
# closing tags ("…Outro<br/></p></div>"). Whitespace in HTML is no line break, and a cut-off fragment
# ("…Could top AI rese" or "…rese</a>") ends with text or an inline tag.
_ENDS_WITH_BREAK = re.compile(
    r"(?:<br\b[^>]*>|</(?:p|div|li|ul|ol|h[1-6]|tr|table|blockquote|pre|section)\s*>)(?:\s*</[a-z][a-z0-9]*\s*>)*\s*\Z",
    re.IGNORECASE,
)


def html_to_text(html: str) -> str:
    """Text of an HTML fragment with one line per block, so chapter lists in show notes keep their lines.

    Character references are decoded exactly once, tags or not: "Q&amp;A" and "&quot;" read "Q&A" and '"', while
    "&amp;lt;" reads "&lt;" (the author wrote those four characters).

    A text whose last line was ended keeps one final line break: HTML that closes its last block or ends with a
    ``<br>``, or text without tags that ends with a newline. That line break is how the chapter parser
    (`lessons/chapters.py`) tells a complete last chapter title from one the source cut off mid-word.
    """
    if "<" not in html:
        ended = "\n" in html[len(html.rstrip()) :] or "\r" in html[len(html.rstrip()) :]
    else:
        ended = _ENDS_WITH_BREAK.search(html) is not None
    text = _text(html)
    return text + "\n" if text and ended else text


def _text(html: str) -> str:
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

"""Read a page as a sighted learner does: the text of <main>, without hidden elements, scripts or screen-reader-only
text, whitespace collapsed; and the links on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIPPED_TAGS = {"script", "style", "template", "head"}


@dataclass
class Link:
    href: str
    text: str
    attrs: dict[str, str] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self, *, main_only: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.in_main = not main_only
        self.main_depth = -1
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.open_links: list[tuple[Link, int]] = []

    def _hidden(self) -> bool:
        return any(hides for _, hides in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _VOID:
            if tag == "br":
                self.parts.append(" ")
            return
        classes = attributes.get("class", "").split()
        hides = tag in _SKIPPED_TAGS or "hidden" in attributes or "visually-hidden" in classes
        self.stack.append((tag, hides))
        if tag == "main":
            self.in_main, self.main_depth = True, len(self.stack)
        if tag == "a" and self.in_main and not self._hidden():
            link = Link(href=attributes.get("href", ""), text="", attrs=attributes)
            self.links.append(link)
            self.open_links.append((link, len(self.stack)))
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self.open_links and self.open_links[-1][1] > len(self.stack):
                self.open_links.pop()
            if open_tag == "main":
                self.in_main = False
            if open_tag == tag:
                break
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.in_main or self._hidden():
            return
        self.parts.append(data)
        for link, _ in self.open_links:
            link.text += data


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_text(content: bytes | str, *, main_only: bool = True) -> str:
    """The visible text of the page's <main> (or of a fragment), whitespace collapsed."""
    reader = _Reader(main_only=main_only)
    reader.feed(content.decode() if isinstance(content, bytes) else content)
    return _collapse("".join(reader.parts))


def visible_links(content: bytes | str) -> list[Link]:
    """The links in <main> that are not hidden, with their visible text collapsed."""
    reader = _Reader()
    reader.feed(content.decode() if isinstance(content, bytes) else content)
    for link in reader.links:
        link.text = _collapse(link.text)
    return reader.links


def lesson_cards(content: bytes | str) -> dict[str, str]:
    """Each lesson card's visible text, by the card's title (the text of its first link)."""
    html = content.decode() if isinstance(content, bytes) else content
    cards = {}
    for chunk in html.split('<article class="card lesson-card"')[1:]:
        fragment = "<article" + chunk.split("</article>", 1)[0]
        reader = _Reader(main_only=False)
        reader.feed(fragment)
        title = _collapse(reader.links[0].text) if reader.links else ""
        cards[title] = _collapse("".join(reader.parts))
    return cards

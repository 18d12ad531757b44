"""A lesson's description as the page shows it: its prose in paragraphs, its links as a list, its chapters left out.

Descriptions are pasted or brought by feeds as plain text, and video and podcast descriptions pack three things into
it: a few paragraphs of prose, a run of links ("LinkedIn - https://…  X/Twitter - https://…  Listen on: Spotify -
https://…"), and the chapter list ("00:00 Intro 01:17 …"), often all on one line (the seed lesson's). Shown as one
paragraph, that is a wall of text. ``description_read`` takes it apart:

* **Chapters**: when the page lists the lesson's chapters, the description's own chapter list (the run of timestamps
  ``chapters_parse`` reads, up to the end of its last line) is left out, so it is not shown twice.
* **Listed links**: a URL whose label ends with a separator ("LinkedIn - https://…", "Blog: https://…") or that
  stands alone on its line is a listed link. Its label is the text before it back to the previous link, the start of
  its line or the end of the previous sentence; a label of more than eight words is prose, not a label, and the link
  is labelled with its address. A URL inside a sentence ("see https://… for more") stays in the prose.
* **Prose**: what is left, split into paragraphs at blank lines (single line breaks kept); URLs in it are linked by
  the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lessons.chapters import chapters_span

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}»”’'\""  # punctuation after a URL belongs to the sentence
_SEPARATOR_END = re.compile(r"\s*[-–—:|•·]\s*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s+")
_MAX_LABEL_WORDS = 8
_LINK_TAIL = ".,;"
_BULLETS = "•*·-–—> \t"


@dataclass(frozen=True)
class DescriptionLink:
    label: str  # what the description calls it ("X/Twitter"), or its address when it says nothing
    url: str
    address: str  # host and path, shown beside a label so two "LinkedIn" links can be told apart


@dataclass(frozen=True)
class DescriptionParts:
    paragraphs: list[str]
    links: list[DescriptionLink]


def description_read(text: str, *, without_chapters: bool) -> DescriptionParts:
    """The description's paragraphs and listed links; its chapter list left out when ``without_chapters``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if without_chapters and (span := chapters_span(text)):
        text = text[: span[0]] + "\n\n" + text[span[1] :]
    prose: list[str] = []
    links: list[DescriptionLink] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        before = text[position : match.start()]
        after = text[end:]
        listed = bool(_SEPARATOR_END.search(before)) or _alone_on_line(before, after)
        if not listed:
            continue  # inside a sentence: left in the prose, linked there
        line_start = before.rfind("\n") + 1
        head, label = _label_split(before[line_start:])
        prose.append(before[:line_start] + head + "\n\n")  # what follows a run of links is a paragraph of its own
        links.append(DescriptionLink(label=label or _address(url), url=url, address=_address(url)))
        position = end + len(after) - len(after.lstrip(_LINK_TAIL))  # its closing punctuation goes with it
    prose.append(text[position:])
    paragraphs = [
        "\n".join(line.strip() for line in paragraph.strip().split("\n") if line.strip())
        for paragraph in re.split(r"\n\s*\n", "".join(prose))
    ]
    return DescriptionParts(paragraphs=[p for p in paragraphs if p], links=links)


def _alone_on_line(before: str, after: str) -> bool:
    """The URL ends its line and only a short label (or nothing) precedes it on the line."""
    line_before = before[before.rfind("\n") + 1 :]
    line_after = after.split("\n", 1)[0]
    return (
        not line_after.strip()
        and len(line_before.split()) <= _MAX_LABEL_WORDS
        and not _SENTENCE_END.search(line_before)
    )


def _label_split(line: str) -> tuple[str, str]:
    """(the prose before the label, the label) of the line's text before a listed URL."""
    sentence_ends = list(_SENTENCE_END.finditer(line))
    cut = sentence_ends[-1].end() if sentence_ends else 0
    label = _SEPARATOR_END.sub("", line[cut:]).strip().lstrip(_BULLETS)
    if len(label.split()) > _MAX_LABEL_WORDS:
        return line, ""
    return line[:cut], label


def _address(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return (host + parts.path).rstrip("/")

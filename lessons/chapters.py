"""Parse chapter lists out of video and podcast descriptions, and link a chapter to its moment in the video.

How a description is read
-------------------------
* A timestamp is ``m:ss``, ``mm:ss`` or ``h:mm:ss`` (seconds below 60, and minutes below 60 when hours are given).
  A time followed by "am"/"pm" is a clock time in prose, not a chapter mark.
* A chapter list starts at a ``0:00`` timestamp and rises strictly. Timestamps *before* that ``0:00`` (prose such as
  "we met at 10:30 for coffee") are ignored, so they never break the list.
* The list may be inline ("00:00 Intro 01:17 Loops 05:04 …", all on one line) or one chapter per line. A timestamp
  continues the list when it is on the same line as the previous chapter mark or when it begins a line; anything else
  (a time in a later paragraph of prose) ends the list quietly.
* A continuing timestamp that does not rise means the text is not a chapter list (a range "0:00 - 1:17", a
  shuffled list, a clock time inside the list): we return ``[]`` rather than guess. So does a list of fewer than two
  chapters: a lone "0:00" is not a list.
* When a text holds several candidate lists, the longest wins (the first of equally long ones).
* A title is the text after its timestamp up to the next chapter mark or the end of the line, with separators such
  as " - ", "–", "|", ":" and brackets trimmed from both ends and runs of spaces collapsed. An empty title becomes
  "Chapter N" so that every chapter can be shown and linked.

The cut-off last title (decision)
---------------------------------
Pasted descriptions are often cut off mid-word: the seed lesson's ends with "20:57 Could top AI rese". We KEEP that
chapter, because its start time is real and useful to jump to, and the seed page itself lists "Could top AI rese" as
chapter 11. It is marked ``truncated=True`` when the text ends right after the title (no newline follows it) and the
title does not end in punctuation, so a page may show it with an ellipsis. The flag says "the text stopped here",
not "this is certainly cut off": a complete last title such as "Outro" at the very end of a text is flagged too,
while a final newline says the line was complete.

Time links
----------
Only YouTube has reliable links into a moment (``t=77s``). Spotify and Apple Podcasts have no documented, stable
time parameter for episode pages, so for them (and every other kind) the chapter link is the external URL unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MIN_CHAPTERS = 2

_TIMESTAMP = re.compile(
    r"""
    (?<![0-9])(?<![0-9]:)                 # not the tail of a longer number or time
    (?:(?P<hours>[0-9]{1,2}):(?=[0-9]{2}:[0-9]{2}))?
    (?P<minutes>[0-9]{1,2}):(?P<seconds>[0-9]{2})
    (?![0-9])(?!:[0-9])                   # not the head of a longer number or time
    (?![ \t]?[ap]\.?m\b)                  # "10:30 am" is a clock time
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Characters that may sit between a timestamp and its title ("00:00 - Intro", "[01:17] Loops", "05:04 | …").
_LEADING_SEPARATORS = " \t-–—|:·•*>)]}"
_TRAILING_SEPARATORS = " \t-–—|:·•*<([{"
# What may precede a timestamp on its own line for it to "begin a line": bullets and brackets.
_LINE_START_CHARACTERS = frozenset(" \t-–—•*·([{")
_PARAGRAPH_WHITESPACE = re.compile(r"\s+")
# A title that ends in one of these was not cut off mid-word.
_CLOSING_PUNCTUATION = frozenset(".!?…)]}\"'”’»")


@dataclass(frozen=True)
class ParsedChapter:
    start_seconds: int
    title: str
    truncated: bool = False


@dataclass(frozen=True)
class _Mark:
    seconds: int
    start: int  # index of the first character of the timestamp
    end: int  # index just after it


def _longest_run(text: str) -> list[_Mark]:
    """The longest run of timestamps from a 0:00 in ``text`` (the chapter list), or [] when none is long enough."""
    marks = _marks_find(text)
    best: list[_Mark] = []
    for index, mark in enumerate(marks):
        if mark.seconds != 0:
            continue
        run = _run_from(text, marks, index)
        if run is not None and len(run) > len(best):
            best = run
    return best if len(best) >= MIN_CHAPTERS else []


def chapters_parse(text: str) -> list[ParsedChapter]:
    """Return the chapter list in ``text``, or ``[]`` when it holds none (see the module docstring for the rules)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    best = _longest_run(text)
    return _chapters_build(text, best) if best else []


def chapters_span(text: str) -> tuple[int, int] | None:
    """Where the chapter list ``chapters_parse`` reads sits in ``text``: (start of its first timestamp, end of its last
    title's line), or None when the text holds no list. ``text`` must use "\\n" line ends, as stored descriptions do."""
    best = _longest_run(text)
    if not best:
        return None
    line_end = text.find("\n", best[-1].end)
    return best[0].start, len(text) if line_end == -1 else line_end


def timestamp_format(seconds: int) -> str:
    """Format seconds as a chapter timestamp: ``0:00``, ``1:17``, ``1:02:03``."""
    if seconds < 0:
        raise ValueError(f"a timestamp cannot be negative: {seconds}")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def title_cut_off(description: str, last_title: str) -> bool:
    """Whether a description stops right after its last chapter's title, mid-word (the seed's "Could top AI rese"):
    the rule that marks a parsed chapter `truncated`, applied to stored text so a page can say the title was cut."""
    text = _PARAGRAPH_WHITESPACE.sub(" ", description)
    return text.endswith(last_title) and not last_title.endswith(tuple(_CLOSING_PUNCTUATION))


def chapter_url(external_url: str, start_seconds: int, kind: str) -> str:
    """Link to ``start_seconds`` into a YouTube video; any other kind (or a YouTube page that is not one video, such as
    a search) gets ``external_url`` unchanged, since Spotify and Apple Podcasts offer no reliable time links."""
    if kind != "youtube" or start_seconds < 0:
        return external_url
    parts = urlsplit(external_url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    is_video = (host == "youtu.be" and parts.path.strip("/") != "") or (
        host == "youtube.com" and (parts.path == "/watch" or parts.path.startswith(("/live/", "/shorts/")))
    )
    if not is_video:
        return external_url
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "t"]
    query.append(("t", f"{start_seconds}s"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _marks_find(text: str) -> list[_Mark]:
    marks = []
    for match in _TIMESTAMP.finditer(text):
        hours = int(match["hours"] or 0)
        minutes = int(match["minutes"])
        seconds = int(match["seconds"])
        if seconds >= 60 or (match["hours"] is not None and minutes >= 60):
            continue
        marks.append(_Mark(seconds=hours * 3600 + minutes * 60 + seconds, start=match.start(), end=match.end()))
    return marks


def _run_from(text: str, marks: list[_Mark], first: int) -> list[_Mark] | None:
    """The rising run of marks that starts at ``marks[first]``; None when a continuing mark fails to rise."""
    run = [marks[first]]
    for index in range(first + 1, len(marks)):  # by index: slicing per candidate would make many zeros quadratic
        mark, previous = marks[index], run[-1]
        if "\n" in text[previous.end : mark.start] and not _begins_line(text, mark):
            break  # prose after the list: the list is over
        if mark.seconds <= previous.seconds:
            return None
        run.append(mark)
    return run


def _begins_line(text: str, mark: _Mark) -> bool:
    line_start = text.rfind("\n", 0, mark.start) + 1
    return all(character in _LINE_START_CHARACTERS for character in text[line_start : mark.start])


def _chapters_build(text: str, run: list[_Mark]) -> list[ParsedChapter]:
    chapters = []
    for number, mark in enumerate(run, start=1):
        is_last = number == len(run)
        segment_end = len(text) if is_last else run[number].start
        segment = text[mark.end : segment_end]
        line, newline, _ = segment.partition("\n")
        title = _PARAGRAPH_WHITESPACE.sub(" ", line.lstrip(_LEADING_SEPARATORS).rstrip(_TRAILING_SEPARATORS)).strip()
        truncated = is_last and not newline and bool(title) and title[-1] not in _CLOSING_PUNCTUATION
        chapters.append(
            ParsedChapter(start_seconds=mark.seconds, title=title or f"Chapter {number}", truncated=truncated)
        )
    return chapters

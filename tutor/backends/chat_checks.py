"""Reading a model's answer into a part's data, and checking what it says, not only its shape.

A part passes when its JSON has the agreed fields *and* its content could teach: every point a sentence of at least
a few words, no item twice, key terms that occur in the lesson's material, passage numbers that exist. A small model
that answers `["1", "2", "3"]`, eight identical terms or `{"term": "1", "meaning": "1"}` fails and is asked again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from tutor.backends.base import text_normalise

POINT_WORDS_MIN = 4
POINT_WORDS_MAX = 80
TEXT_WORDS_MIN = 8
MEANING_WORDS_MIN = 3
QUESTION_WORDS_MIN = 4
SUMMARY_LINE_CHARS_MAX = 300

_THINKING = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL)
_WHOLE_FENCE = re.compile(r"\A```(?:markdown|md|json)?[ \t]*\n(?P<body>.*?)(?:\n```[ \t]*)?\Z", re.DOTALL)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+(?P<item>.+?)\s*$", re.MULTILINE)
_TERM_LINE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])?\s*\**(?P<term>[^:—–*\n]{1,60}?)\**\s*[:—–-]\s+(?P<meaning>.+)$")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LINK = re.compile(r"https?://|www\.|\]\(|<a\b|\b[\w-]+\.(?:com|org|net|io|ai|dev)\b", re.IGNORECASE)
_PASSAGE_REF = re.compile(r"\[(\d{1,3})\]")
_NOT_FOUND = re.compile(r"\b(?:not found|do(?:es)? not (?:hold|contain|say|mention|cover)|no answer)\b", re.IGNORECASE)


def answer_clean(text: str) -> str:
    """Drop what a model wraps around its answer: reasoning in <think> tags and a code fence around the whole."""
    text = _THINKING.sub("", text).strip()
    match = _WHOLE_FENCE.match(text)
    if match:
        text = match["body"].strip()
    return text


def answer_parse(text: str, schema: str, *, plain: bool = False) -> dict[str, Any] | None:
    """The part's data from a model's answer: its JSON object (wherever it stands in the text), or, from a server
    asked in plain words (`plain`), the lists and lines the schema asks for. None when nothing can be read."""
    text = answer_clean(text)
    data = _json_object(text)
    if data is not None or not plain:
        return data
    items = [match["item"].strip() for match in _LIST_ITEM.finditer(text)]
    if schema in ("chapter_points", "summary") and items:
        return {"points": items}
    if schema == "questions" and items:
        return {"questions": items}
    if schema == "key_terms":
        terms = [_TERM_LINE.match(line) for line in text.splitlines()]
        found = [{"term": m["term"].strip(), "meaning": m["meaning"].strip()} for m in terms if m]
        return {"terms": found} if found else None
    if schema == "section_text" and text and not text.lstrip().startswith(("{", "[")):
        return {"text": " ".join(text.split())}
    if schema == "summary_line" and text:
        return {"line": text.strip().splitlines()[0]}
    if schema == "answer" and text:
        return {"found": _NOT_FOUND.search(text) is None, "answer": text}
    return None


def _json_object(text: str) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    for start in [match.start() for match in re.finditer(r"\{", text)][:20]:
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _sentence_ok(text: Any, *, least: int) -> bool:
    if not isinstance(text, str):
        return False
    letters = [word for word in words(text) if not word.isdigit()]
    return least <= len(letters) and len(words(text)) <= POINT_WORDS_MAX * 3


def _distinct(items: Sequence[str]) -> bool:
    keys = [text_normalise(item) for item in items]
    return len(set(keys)) == len(keys)


def _strings(value: Any, *, least: int, most: int, words_min: int) -> bool:
    return (
        isinstance(value, list)
        and least <= len(value) <= most
        and all(_sentence_ok(item, least=words_min) for item in value)
        and _distinct(value)
    )


def _repetitive(text: str) -> bool:
    """A model repeating itself: one sentence written three times or more."""
    sentences = [text_normalise(s) for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    return any(sentences.count(sentence) >= 3 for sentence in set(sentences))


def points_check(data: dict[str, Any]) -> str:
    points = data.get("points")
    if not _strings(points, least=1, most=5, words_min=POINT_WORDS_MIN):
        return f"points must be 1 to 5 different sentences of {POINT_WORDS_MIN} words or more"
    return ""


def chapters_points_check(times: Sequence[str]) -> Callable[[dict[str, Any]], str]:
    """Several chapters at once: every chapter asked for answered, each with points that pass."""

    def check(data: dict[str, Any]) -> str:
        chapters = data.get("chapters")
        if not isinstance(chapters, list) or not all(isinstance(item, dict) for item in chapters):
            return "chapters must be a list of objects"
        answered = {str(item.get("time", "")).strip("[] "): item for item in chapters}
        missing = [time for time in times if time not in answered]
        if missing:
            return f"chapters {', '.join(missing)} are not answered"
        for time in times:
            problem = points_check(answered[time])
            if problem:
                return f"{time}: {problem}"
        return ""

    return check


def text_check(data: dict[str, Any]) -> str:
    text = data.get("text")
    if not _sentence_ok(text, least=TEXT_WORDS_MIN):
        return f"text must be at least {TEXT_WORDS_MIN} words"
    if _repetitive(str(text)):
        return "text repeats itself"
    return ""


def key_terms_check(material_text: str) -> Callable[[dict[str, Any]], str]:
    """Key terms that occur in the material (case, quotes and spacing folded), each with a meaning, none twice."""
    haystack = text_normalise(material_text)

    def check(data: dict[str, Any]) -> str:
        terms = data.get("terms")
        if not isinstance(terms, list) or not 1 <= len(terms) <= 8:
            return "terms must be a list of 1 to 8"
        names: list[str] = []
        for item in terms:
            if not isinstance(item, dict):
                return "each term must be an object"
            term, meaning = item.get("term"), item.get("meaning")
            if not isinstance(term, str) or not [word for word in words(term) if not word.isdigit()]:
                return f"term {term!r} is no word"
            if text_normalise(term) not in haystack:
                return f"term {term!r} does not occur in the material"
            if not _sentence_ok(meaning, least=MEANING_WORDS_MIN) or text_normalise(str(meaning)) == text_normalise(
                term
            ):
                return f"the meaning of {term!r} says nothing"
            names.append(term)
        if not _distinct(names):
            return "a term is listed twice"
        return ""

    return check


def questions_check(data: dict[str, Any]) -> str:
    questions = data.get("questions") or []
    if not _strings(questions, least=3, most=5, words_min=QUESTION_WORDS_MIN):
        return f"questions must be 3 to 5 different questions of {QUESTION_WORDS_MIN} words or more"
    if not all(str(question).rstrip().endswith("?") for question in questions):
        return "every question must end with a question mark"
    return ""


def answer_check(passages: int) -> Callable[[dict[str, Any]], str]:
    """An answer names only passages it was given; a found answer says something."""

    def check(data: dict[str, Any]) -> str:
        if not isinstance(data.get("found"), bool) or not isinstance(data.get("answer"), str):
            return "found must be true or false and answer a string"
        if data["found"] and not _sentence_ok(data["answer"], least=3):
            return "a found answer must say something"
        if any(not 1 <= int(number) <= passages for number in _PASSAGE_REF.findall(data["answer"])):
            return "the answer cites a passage it was not given"
        return ""

    return check


def summary_line_check(data: dict[str, Any]) -> str:
    line = data.get("line")
    if not isinstance(line, str):
        return "line must be a string"
    line = line.strip()
    ok = (
        bool(line)
        and "\n" not in line
        and "\r" not in line
        and re.match(r"Learn\b", line) is not None
        and len(" ".join(line.split())) <= SUMMARY_LINE_CHARS_MAX
        and _LINK.search(line) is None
    )
    return "" if ok else "the line must be one line starting with Learn, without links"


STATIC_CHECKS: dict[str, Callable[[dict[str, Any]], str]] = {
    "chapter_points": points_check,
    "summary": points_check,
    "section_text": text_check,
    "questions": questions_check,
    "summary_line": summary_line_check,
}

"""What the openai backend says to a model: the system prompt, the JSON schema of each part, and each part's prompt.

A part's schema goes to the server as `response_format` where the server constrains output with it; to a server
that cannot, the same schema is written into the prompt (`schema_in_words`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tutor.backends.base import ChapterMaterial, LessonMaterial, timestamp_format

SYSTEM_PROMPT = """\
You are a patient tutor helping a learner with one lesson on a learning platform.
Use only the lesson material the user gives you. Never add facts, names, numbers, dates or links that the material
does not contain. When you refer to a moment of the lesson, give its time in square brackets, like [12:36], and only
times inside the chapters you were given. Answer with one JSON object named {name}, as the schema says, and nothing
else."""

_TEXT = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
_POINTS = {
    "type": "object",
    "properties": {"points": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5}},
    "required": ["points"],
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "chapter_points": _POINTS,
    "summary": _POINTS,
    "chapters_points": {
        "type": "object",
        "properties": {
            "chapters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "time": {"type": "string"},
                        "points": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
                    },
                    "required": ["time", "points"],
                },
            }
        },
        "required": ["chapters"],
    },
    "section_text": _TEXT,
    "key_terms": {
        "type": "object",
        "properties": {
            "terms": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"term": {"type": "string"}, "meaning": {"type": "string"}},
                    "required": ["term", "meaning"],
                },
                "minItems": 1,
                "maxItems": 8,
            }
        },
        "required": ["terms"],
    },
    "questions": {
        "type": "object",
        "properties": {"questions": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 5}},
        "required": ["questions"],
    },
    "answer": {
        "type": "object",
        "properties": {"found": {"type": "boolean"}, "answer": {"type": "string"}},
        "required": ["found", "answer"],
    },
    "summary_line": {"type": "object", "properties": {"line": {"type": "string"}}, "required": ["line"]},
    # Check questions (practice): multiple choice, each naming the passage its answer is found in.
    "check_questions": {
        "type": "object",
        "properties": {
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question": {"type": "string"},
                        "answer": {"type": "string"},
                        "wrong": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 3},
                        "passage": {"type": "integer"},
                        "explanation": {"type": "string"},
                    },
                    "required": ["question", "answer", "wrong", "passage", "explanation"],
                },
                "minItems": 1,
                "maxItems": 8,
            }
        },
        "required": ["questions"],
    },
}

# How many items (points, terms, questions, sentences) each part asks for at most: its output token budget.
PART_ITEMS: dict[str, int] = {
    "chapter_points": 5,
    "summary": 5,
    "section_text": 3,
    "key_terms": 8,
    "questions": 5,
    "answer": 4,
    "summary_line": 1,
    "check_questions": 6,
}

# The sections written from the chapters' points: (schema, what to ask).
SECTION_ASKS: dict[str, tuple[str, str]] = {
    "overview": ("section_text", "Write a short overview of the lesson (2 or 3 sentences)."),
    "key_terms": (
        "key_terms",
        "List the lesson's key terms (3 to 8) as the material names them, each with what it says.",
    ),
    "why": ("section_text", "Say in 2 sentences, from the material only, why the subject matters."),
    "questions": ("questions", "Ask 3 to 5 questions that check understanding (questions only, no answers)."),
}


def system_prompt(name: str) -> str:
    return SYSTEM_PROMPT.format(name=name)


def schema_in_words(name: str) -> str:
    """The schema, for a server that does not constrain output with it."""
    return f"\n\nAnswer with only this JSON object ({name}), no other text:\n{json.dumps(SCHEMAS[name])}"


def prompt_facts(material: LessonMaterial) -> str:
    """What every part's prompt starts with: the lesson's facts and description."""
    facts = [
        f"Lesson title: {material.title}",
        f"Source: {material.source_name}",
        f"Level: {material.level}",
        f"Description: {material.description.strip() or '(none)'}",
    ]
    return "\n".join(facts)


def chapter_prompt(facts: str, chapter: ChapterMaterial, said: str) -> str:
    time_label = timestamp_format(chapter.start_seconds)
    return (
        f"{facts}\n\nChapter: {time_label} {chapter.title}\n\nWhat is said in this chapter:\n{said}\n\n"
        "Give the chapter's key points (1 to 5), each one full sentence."
    )


def chapters_prompt(facts: str, chapters: Sequence[ChapterMaterial], said: Sequence[str]) -> str:
    """Several chapters in one call, for a server too slow for one call each."""
    blocks = [
        f"Chapter: {timestamp_format(chapter.start_seconds)} {chapter.title}\nWhat is said in it:\n{text}"
        for chapter, text in zip(chapters, said, strict=True)
    ]
    return (
        f"{facts}\n\n" + "\n\n".join(blocks) + "\n\nFor each chapter, give its time (as written above) and its key "
        "points (1 to 5), each one full sentence."
    )


def piece_prompt(facts: str, heading: str, text: str) -> str:
    """A section of material that has no chapters (a long transcript or text, split)."""
    return (
        f"{facts}\n\nSection: {heading}\n\nThe material of this section:\n{text}\n\n"
        "Give this section's key points (1 to 5), each one full sentence."
    )


def section_prompt(facts: str, digest: str, task: str) -> str:
    return f"{facts}\n\nKey points by chapter:\n{digest}\n\n{task}"


def summary_prompt(piece: str) -> str:
    return f"Summarise this part of the lesson:\n{piece}"


def answer_prompt(question: str, passages: Sequence[str]) -> str:
    numbered = "\n".join(f"[{number}] {text}" for number, text in enumerate(passages, 1))
    return (
        f"Passages from the lesson's material:\n{numbered}\n\nQuestion: {question}\n\n"
        "Answer from these passages only, in 1 to 4 sentences. If they do not hold the answer, set found to false."
    )


def check_questions_prompt(facts: str, passages: Sequence[str], count: int) -> str:
    numbered = "\n".join(f"[{number}] {text}" for number, text in enumerate(passages, 1))
    return (
        f"{facts}\n\nPassages from the lesson's material:\n{numbered}\n\n"
        f"Write {count} multiple-choice questions that check a learner understood the lesson. For each: the question, "
        "its answer in words copied from one passage (a short phrase, not a whole sentence), 2 or 3 wrong answers "
        "that are plausible but not said by the passages, the number of the passage the answer is copied from, and "
        "one sentence explaining the answer. Never ask about something the passages do not say."
    )


def summary_line_prompt(title: str, text: str) -> str:
    return (
        f"Lesson title: {title}\n\nThe lesson's material:\n{text}\n\n"
        'Write one short line (at most 200 characters) that starts with "Learn" and says what a learner will '
        "learn from this material. Use only what the material says; no links."
    )

"""What a generator hands back: questions with their choices, the passage each answer is found in, and the checks
every generated question must pass before it is stored (one correct choice, no duplicates, the answer in its passage).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from practice.models import CheckChoice, CheckQuestion, QuestionKind

# The columns' own limits: PostgreSQL refuses a longer value (SQLite would keep it).
PROMPT_MAX = CheckQuestion._meta.get_field("prompt").max_length or 0
CHOICE_MAX = CheckChoice._meta.get_field("text").max_length or 0
CHOICES_MIN = 2

_TAG = re.compile(r"<[^<>]*>")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "`": "'"})


@dataclass(frozen=True)
class GeneratedChoice:
    text: str
    is_correct: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class GeneratedQuestion:
    kind: str  # QuestionKind
    prompt: str
    choices: tuple[GeneratedChoice, ...]
    passage: str  # the material's words the answer is found in
    explanation: str  # shown after answering
    start_seconds: int | None = None
    origin: str = ""  # set when a set mixes origins (a model's questions topped up with offline ones)

    @property
    def answer(self) -> str:
        return next((choice.text for choice in self.choices if choice.is_correct), "")


@dataclass
class GeneratedSet:
    """One lesson's generated questions, which generator made them, and what it fell back from (if anything)."""

    questions: list[GeneratedQuestion] = field(default_factory=list)
    origin: str = "offline"  # QuestionOrigin.OFFLINE or MODEL
    fallback_reason: str = ""


def text_clean(text: str) -> str:
    """Material as a learner reads it: HTML tags and entities left over from a feed removed, spacing folded."""
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def text_key(text: str) -> str:
    """Two texts are the same choice when this is equal: case, width, quotes, punctuation at the ends, spacing."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .,;:!?\"'()[]")


def answer_in_passage(question: GeneratedQuestion) -> bool:
    """Whether the correct choice's words are found in the question's passage (the invariant the bench measures)."""
    answer = text_key(question.answer)
    return bool(answer) and answer in text_key(question.passage)


def question_problems(question: GeneratedQuestion) -> list[str]:
    """What makes a question unfit to show; [] when none: not exactly one correct choice, a duplicate choice, a choice
    equal to the prompt, an answer not found in its passage, text too long for its column, an unknown kind."""
    problems = []
    if question.kind not in QuestionKind.values:
        problems.append(f"unknown kind {question.kind!r}")
    if not question.prompt.strip() or len(question.prompt) > PROMPT_MAX:
        problems.append("prompt empty or too long")
    correct = sum(choice.is_correct for choice in question.choices)
    if correct != 1:
        problems.append(f"{correct} correct choices")
    if len(question.choices) < CHOICES_MIN:
        problems.append("fewer than two choices")
    keys = [text_key(choice.text) for choice in question.choices]
    if len(set(keys)) != len(keys) or "" in keys:
        problems.append("duplicate or empty choices")
    prompt_key = text_key(question.prompt)
    if any(key == prompt_key for key in keys):
        problems.append("a choice equal to the prompt")
    if any(len(choice.text) > CHOICE_MAX for choice in question.choices):
        problems.append("a choice too long")
    if correct == 1 and not answer_in_passage(question):
        problems.append("the answer is not in the passage")
    return problems

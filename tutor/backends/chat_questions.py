"""Check questions from a model server (for practice): one call with numbered passages of the lesson's material,
the answer read as JSON in the best form the server takes (`ChatCaller`), and only its shape checked here. Whether
each answer is really supported by the material is the caller's check (practice/generation/model.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tutor.backends.base import LessonMaterial, PermanentBackendError, TransientBackendError
from tutor.backends.chat_calls import TEXT, ChatCaller, part_max_tokens
from tutor.backends.chat_checks import answer_parse
from tutor.backends.chat_prompts import check_questions_prompt, prompt_facts

SCHEMA = "check_questions"
QUESTIONS_ASKED = 6
TEXT_MAX = 300


@dataclass(frozen=True)
class ModelQuestion:
    question: str
    answer: str
    wrong: tuple[str, ...]
    passage: int  # 1-based number of the passage the model says holds the answer
    explanation: str


def check_questions_ask(
    *, material: LessonMaterial, passages: Sequence[str], count: int = QUESTIONS_ASKED
) -> tuple[list[ModelQuestion], str]:
    """The model's questions on the passages (shape-checked; the ones of the wrong shape left out) and the model's
    name. Raises TransientBackendError / PermanentBackendError when the server fails or nothing can be read."""
    from tutor.backends import _setting

    model = _setting("TUTOR_MODEL", "")
    caller = ChatCaller(
        base_url=_setting("TUTOR_BASE_URL", None),
        api_key=_setting("TUTOR_API_KEY", None),
        model=model,
        timeout=float(_setting("TUTOR_TIMEOUT_SECONDS", 60)),
        stream=False,
        temperature=0.2,
    )
    tokens_per_item = int(_setting("TUTOR_TOKENS_PER_ITEM", 80) or 80)
    prompt = check_questions_prompt(prompt_facts(material), passages, count)
    # A question with its choices and explanation is several items' worth of text.
    answer = caller.call(SCHEMA, prompt, max_tokens=part_max_tokens(SCHEMA, tokens_per_item * 3, count))
    data = answer_parse(answer.text, SCHEMA, plain=answer.form == TEXT)
    if data is None or not isinstance(data.get("questions"), list):
        raise TransientBackendError("the model server's check questions could not be read as JSON")
    questions = [question for item in data["questions"] if (question := _question(item, len(passages)))]
    if not questions:
        raise PermanentBackendError("none of the model server's check questions had the agreed shape")
    return questions, answer.model or model


def _question(item: Any, passages: int) -> ModelQuestion | None:
    if not isinstance(item, dict):
        return None
    texts = [item.get("question"), item.get("answer"), item.get("explanation")]
    wrong = item.get("wrong")
    number = item.get("passage")
    if not all(isinstance(text, str) and text.strip() for text in texts) or not isinstance(wrong, list):
        return None
    if not isinstance(number, int) or not 1 <= number <= passages:
        return None
    wrong_texts = tuple(" ".join(text.split()) for text in wrong if isinstance(text, str) and text.strip())
    question, answer, explanation = (" ".join(str(text).split()) for text in texts)
    if len(wrong_texts) < 2 or any(len(text) > TEXT_MAX for text in (answer, *wrong_texts)):
        return None
    return ModelQuestion(question, answer, wrong_texts[:3], number, explanation)

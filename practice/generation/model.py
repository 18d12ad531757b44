"""Check questions from a model server (TUTOR_BACKEND=openai), each kept only when the material supports it.

The model is asked once (`tutor.backends.chat_questions`, the tutor's only door to a model) with numbered passages
spread over the lesson's material. A question is kept when the tutor's retrieval (`tutor.retrieval`, BM25 over the
lesson's own passages) finds, among the passages best matching the question and its answer, one that contains the
answer's words; that passage and its moment become the question's. Wrong choices the material itself says are left
out (they might be right), and a question with fewer than two wrong choices left, or failing `question_problems`,
is dropped.
"""

from __future__ import annotations

import random

from lessons.models import Lesson
from practice.generation.questions import GeneratedChoice, GeneratedQuestion, question_problems, text_key
from practice.models import QuestionKind
from tutor.backends import LessonMaterial
from tutor.backends.chat_questions import check_questions_ask
from tutor.retrieval import Passage, lesson_passages, passages_rank

PASSAGES_SENT = 12
PASSAGE_CHARS_MAX = 600
SUPPORT_PASSAGES = 3


def model_questions(lesson: Lesson, material: LessonMaterial) -> list[GeneratedQuestion]:
    """The model's questions that the lesson's material supports ([] when none is); raises when the server fails."""
    passages = [passage for passage in lesson_passages(lesson, own=True) if passage.text.strip()]
    if not passages:
        return []
    sent = _spread(passages, PASSAGES_SENT)
    asked, _model = check_questions_ask(material=material, passages=[p.text[:PASSAGE_CHARS_MAX] for p in sent])
    own_text = " " + " ".join(text_key(passage.text) for passage in passages) + " "
    kept: list[GeneratedQuestion] = []
    prompts: set[str] = set()
    for item in asked:
        support = _support(item.question, item.answer, passages)
        if support is None:
            continue
        wrong = [text for text in item.wrong if f" {text_key(text)} " not in own_text]
        choices = [GeneratedChoice(item.answer, True, f"Right: {item.explanation}")]
        choices += [GeneratedChoice(text, False, "Not what the lesson says.") for text in wrong]
        random.Random(item.question).shuffle(choices)  # noqa: S311 - an order, not a secret
        question = GeneratedQuestion(
            kind=QuestionKind.CHOICE,
            prompt=item.question,
            choices=tuple(choices),
            passage=support.text,
            explanation=item.explanation,
            start_seconds=support.start_seconds,
        )
        if len(wrong) < 2 or question_problems(question) or text_key(question.prompt) in prompts:
            continue
        prompts.add(text_key(question.prompt))
        kept.append(question)
    return kept


def _support(question: str, answer: str, passages: list[Passage]) -> Passage | None:
    """The retrieved passage holding the answer's words, among those best matching the question and its answer."""
    key = text_key(answer)
    for passage in passages_rank(f"{question} {answer}", passages, limit=SUPPORT_PASSAGES):
        if key and key in text_key(passage.text):
            return passage
    return None


def _spread(passages: list[Passage], count: int) -> list[Passage]:
    if len(passages) <= count:
        return passages
    step = len(passages) / count
    return [passages[int(index * step)] for index in range(count)]

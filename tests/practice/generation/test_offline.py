"""Offline check questions from world-shaped material: every question quotes its passage, has one right answer,
and offers no duplicate, no choice equal to its prompt and no wrong choice the material itself mentions."""

from __future__ import annotations

import re

import pytest

from practice.generation.offline import BLANK, lesson_sentences, offline_questions
from practice.generation.questions import (
    GeneratedChoice,
    GeneratedQuestion,
    answer_in_passage,
    question_problems,
    text_key,
)
from practice.models import QuestionKind
from tests.practice.generation.material import (
    ABSTRACT,
    ARTICLE,
    CATALOG,
    HTML_DESCRIPTION,
    NON_ASCII,
    SEED_CHAPTERS,
    SEED_DESCRIPTION,
    chapters,
    long_transcript,
    material,
)


def assert_sound(questions: list[GeneratedQuestion], own_text: str) -> None:
    """The rules every generated question keeps, whatever the material."""
    assert len({text_key(q.prompt) for q in questions}) == len(questions), "two questions share a prompt"
    own = text_key(own_text)
    for question in questions:
        assert question_problems(question) == [], question
        assert answer_in_passage(question)
        assert question.explanation
        assert sum(choice.is_correct for choice in question.choices) == 1
        if question.kind == QuestionKind.TERM:
            for choice in question.choices:
                if not choice.is_correct:
                    # a wrong choice is another lesson's term, never one this lesson's material says
                    assert f" {text_key(choice.text)} " not in f" {own} ", (choice.text, question.prompt)
        for text in (question.prompt, question.passage, *(choice.text for choice in question.choices)):
            assert not re.search(r"<|&amp;|&nbsp;", text)


def test_a_long_transcript_gets_term_chapter_and_statement_questions_tied_to_its_moments() -> None:
    transcript, parts = long_transcript(hours=3)
    lesson = material(title="Vision Transformers, three hours", transcript=transcript, chapters=parts)
    questions = offline_questions(lesson, CATALOG)
    kinds = {question.kind for question in questions}
    assert {QuestionKind.TERM, QuestionKind.CHAPTER} <= kinds
    assert len(questions) >= 3
    for question in questions:
        assert question.start_seconds is not None  # every passage of a transcript has its moment
        assert 0 <= question.start_seconds < 3 * 3600
    for question in (q for q in questions if q.kind == QuestionKind.CHAPTER):
        right = next(choice.text for choice in question.choices if choice.is_correct)
        chapter = next(chapter for chapter in parts if chapter.title == right)
        following = [c.start_seconds for c in parts if c.start_seconds > chapter.start_seconds]
        assert chapter.start_seconds <= question.start_seconds < min(following, default=10**9)
    assert_sound(questions, transcript)


def test_a_term_is_blanked_out_of_the_sentence_that_defines_it() -> None:
    lesson = material(title="Speculative decoding", description="A paper on decoding faster.", material=ABSTRACT)
    questions = offline_questions(lesson, CATALOG)
    terms = [question for question in questions if question.kind == QuestionKind.TERM]
    assert terms
    first = terms[0]
    assert BLANK in first.prompt
    assert first.answer in first.passage
    assert first.prompt.removeprefix("Fill in the blank: ").replace(BLANK, first.answer) == first.passage
    # the acronyms the abstract names are what it asks about first
    assert {"Low-Latency Speculative Decoding", "LLSD", "MMLU", "Massive Multitask Language Understanding"} & {
        q.answer for q in terms
    }
    assert_sound(questions, ABSTRACT)


def test_wrong_choices_are_other_lessons_terms_never_the_answer_nor_mentioned_by_the_lesson() -> None:
    # The lesson mentions LoRA and Adam itself: neither may be offered as a wrong choice.
    text = ABSTRACT + " The draft model is fine-tuned with LoRA and trained with Adam."
    questions = offline_questions(material(title="Speculative decoding", material=text), CATALOG)
    wrong = {choice.text for q in questions for choice in q.choices if not choice.is_correct and q.kind == "term"}
    assert wrong
    assert not wrong & {"LoRA", "Low-Rank Adaptation", "Adam"}
    assert wrong <= {item.term for item in CATALOG}
    assert_sound(questions, text)


def test_an_article_with_headings_gets_questions_from_its_sections() -> None:
    lesson = material(title="An Image is Worth 16x16 Words", description="An article about ViT.", material=ARTICLE)
    questions = offline_questions(lesson, CATALOG)
    assert len(questions) >= 3
    sentences = {sentence.text for sentence in lesson_sentences(lesson, [])}
    assert all(question.passage in sentences for question in questions)
    assert not any(question.passage.startswith("#") for question in questions)
    assert_sound(questions, ARTICLE)


def test_a_lesson_with_only_a_description_and_chapters_gets_at_least_three() -> None:
    parts = chapters(*SEED_CHAPTERS)
    lesson = material(title="AI is already building AI", description=SEED_DESCRIPTION, chapters=parts)
    questions = offline_questions(lesson, CATALOG)
    assert len(questions) >= 3
    assert QuestionKind.CHAPTER in {question.kind for question in questions}
    for question in (q for q in questions if q.kind == QuestionKind.CHAPTER):
        assert {choice.text for choice in question.choices} <= {chapter.title for chapter in parts}
    assert_sound(questions, SEED_DESCRIPTION)


def test_a_one_line_description_and_its_chapters_still_give_three() -> None:
    parts = chapters(*SEED_CHAPTERS)
    description = "A conversation about loops in AI and where they lead."
    lesson = material(title="Loops", description=description, chapters=parts)
    questions = offline_questions(lesson, CATALOG)
    assert len(questions) >= 3
    assert_sound(questions, "A conversation about loops in AI and where they lead.")


def test_chapters_with_nothing_behind_them_are_asked_by_their_moment() -> None:
    parts = chapters((0, "Welcome and introductions"), (95, "Reward models"), (610, "Questions from the audience"))
    lesson = material(title="Reward models", description=HTML_DESCRIPTION, chapters=parts)
    questions = offline_questions(lesson, CATALOG)
    asked = [q for q in questions if q.kind == QuestionKind.CHAPTER]
    assert len(asked) == 1
    assert re.fullmatch(r"Which chapter starts at \d+:\d{2}\?", asked[0].prompt)
    assert asked[0].answer in asked[0].passage


def test_html_left_over_from_a_feed_never_reaches_a_question() -> None:
    lesson = material(title="RLHF, explained", description=HTML_DESCRIPTION)
    questions = offline_questions(lesson, CATALOG)
    assert len(questions) >= 3
    assert any("Reinforcement Learning from Human Feedback" in q.passage for q in questions)
    assert_sound(questions, HTML_DESCRIPTION.replace("&amp;", "&"))


def test_non_ascii_material_is_quoted_as_written() -> None:
    lesson = material(title="Attention in many languages", description=NON_ASCII)
    questions = offline_questions(lesson, CATALOG)
    assert questions
    assert any(re.search(r"[äöüéï自]", q.passage) for q in questions)
    assert_sound(questions, NON_ASCII)


def test_the_same_material_always_gives_the_same_questions() -> None:
    lesson = material(title="Speculative decoding", material=ABSTRACT)
    assert offline_questions(lesson, CATALOG) == offline_questions(lesson, CATALOG)


def test_no_material_no_questions() -> None:
    assert offline_questions(material(title="Untitled"), CATALOG) == []


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ((GeneratedChoice("ViT", True), GeneratedChoice("RAG", True)), "2 correct choices"),
        ((GeneratedChoice("ViT", True), GeneratedChoice("vit."), GeneratedChoice("RAG")), "duplicate or empty choices"),
        ((GeneratedChoice("ViT", True), GeneratedChoice("What is it?"), GeneratedChoice("RAG")), "equal to the prompt"),
        ((GeneratedChoice("PPO", True), GeneratedChoice("RAG")), "the answer is not in the passage"),
    ],
)
def test_ambiguous_or_unsupported_questions_are_refused(choices: tuple[GeneratedChoice, ...], problem: str) -> None:
    question = GeneratedQuestion("term", "What is it?", choices, passage="The ViT reads patches.", explanation="x")
    assert any(problem in found for found in question_problems(question))

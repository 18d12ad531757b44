"""Retrieval for "Ask the tutor": passages of the material with their moment, ranked by BM25, and nothing returned
when the material does not mention what is asked."""

import pytest

from tests.tutor.conftest import SEED_VIDEO
from tutor.retrieval import lesson_passages, passages_rank, words_normalised

pytestmark = pytest.mark.django_db

TRANSCRIPT = """WEBVTT

00:01:20.000 --> 00:01:30.000
When we talk about loops we mean running the same block again and again on its own output.

00:08:50.000 --> 00:09:00.000
Model collapse happens when models are trained on text that other models wrote, generation after generation.
"""


def test_question_words_and_stop_words_do_not_count_and_plurals_fold():
    assert words_normalised("What is a Universal Transformer?") == ["universal", "transform"]
    assert words_normalised("What are Universal Transformers?") == ["universal", "transform"]


def test_transcript_passages_carry_their_moment_and_chapter(paper_catalog):
    seed = paper_catalog["seed"]
    seed.transcript = TRANSCRIPT
    seed.save()

    passages = lesson_passages(seed, own=True)
    spoken = [passage for passage in passages if passage.start_seconds is not None]

    assert [(p.start_seconds, p.chapter_title) for p in spoken] == [
        (80, "What “loops” in AI actually mean"),
        (530, "Are Karpathy’s autoresearch agents an early form of AI self-improvement?"),
    ]
    assert spoken[0].url == f"{SEED_VIDEO}&t=80s"


def test_the_best_passage_for_a_question_is_the_one_that_answers_it(paper_catalog):
    passages = lesson_passages(paper_catalog["universal-transformers"], own=False)

    best = passages_rank("How does adaptive computation time decide when to stop?", passages)

    assert best
    assert "adaptive computation time" in best[0].text
    assert best[0].url == "/lessons/universal-transformers/"


def test_nothing_is_relevant_to_a_question_the_material_never_mentions(paper_catalog):
    passages = []
    for lesson in paper_catalog.values():
        passages += lesson_passages(lesson, own=True)

    assert passages_rank("What is the capital of France?", passages) == []
    assert passages_rank("What is?", passages) == []

"""Retrieval for "Ask the tutor": passages of the material with their moment, ranked by BM25, and nothing returned
when the material does not mention what is asked."""

import pytest

from tests.factories import ChapterFactory, LessonFactory
from tests.tutor.conftest import SEED_VIDEO
from tutor.answers import answer_markdown
from tutor.retrieval import answer_found, answer_passages, defines, lesson_passages, passages_rank, words_normalised

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


# A lecture's captions, an article and an abstract in the shapes real material comes in, written for these tests.
LECTURE = """WEBVTT

00:04:10.000 --> 00:06:30.000
The surprise of an outcome is the negative logarithm of its probability, so a certain event carries no surprise.

00:27:45.000 --> 00:30:30.000
The Kullback–Leibler divergence is the extra surprise you pay for using the wrong distribution instead of the true one.

00:33:40.000 --> 00:37:10.000
It is not symmetric: the divergence of p from q differs from the divergence of q from p in general.

01:17:05.000 --> 01:19:30.000
Temperature divides the logits before the softmax, and a temperature above one flattens the distribution.
"""
LECTURE_CHAPTERS = (
    (0, "Welcome"),
    (250, "Surprise and entropy"),
    (1665, "Kullback–Leibler divergence"),
    (4625, "Temperature"),
)
VIDEO = "https://www.youtube.com/watch?v=lecture0007"


@pytest.fixture
def lecture():
    lesson = LessonFactory(
        slug="information-lecture", kind="youtube", external_url=VIDEO, transcript=LECTURE, description=""
    )
    for start, title in LECTURE_CHAPTERS:
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    return lesson


def test_dashes_hyphens_and_spaces_spell_the_same_words():
    assert words_normalised("Kullback–Leibler") == words_normalised("Kullback-Leibler")
    assert words_normalised("Kullback—Leibler") == words_normalised("Kullback‐Leibler")
    assert set(words_normalised("Kullback Leibler")) <= set(words_normalised("Kullback-Leibler"))


def test_plurals_and_other_forms_of_a_word_are_one_word():
    assert words_normalised("normalization normalized normalizing") == ["normal"] * 3
    assert words_normalised("layer normalisation") == words_normalised("layer normalization")
    assert words_normalised("earthquakes") == words_normalised("earthquake")
    assert words_normalised("What is explained? What does the lecturer explain?") == []


def test_a_question_spelled_with_a_hyphen_finds_the_text_written_with_an_en_dash(lecture):
    best = passages_rank("What is the Kullback-Leibler divergence?", lesson_passages(lecture, own=True))

    assert best[0].text.startswith("The Kullback–Leibler divergence is the extra surprise")
    assert (best[0].origin, best[0].start_seconds, best[0].url) == ("transcript", 1665, f"{VIDEO}&t=1665s")


def test_a_moment_named_in_the_question_looks_in_that_chapter_first(lecture):
    passages = lesson_passages(lecture, own=True)

    assert passages_rank("What happens at 1:17:05?", passages, chapters=LECTURE_CHAPTERS)[0].text.startswith(
        "Temperature"
    )
    at_4_30 = passages_rank("What does the lecturer say at 4:30?", passages, chapters=LECTURE_CHAPTERS)
    assert at_4_30[0].text.startswith("The surprise of an outcome")
    symmetric = passages_rank("At 33:40, is it the same both ways?", passages, chapters=LECTURE_CHAPTERS)
    assert "It is not symmetric" in symmetric[0].text
    assert passages_rank("What is said in the Temperature chapter?", passages)[0].chapter_title == "Temperature"


def test_what_is_x_prefers_the_sentence_that_defines_x_over_ones_that_mention_it(paper_catalog):
    passages = []
    for slug in ("attention-is-all-you-need", "universal-transformers"):
        passages += lesson_passages(paper_catalog[slug], own=True)

    best = passages_rank("What is self-attention?", passages)

    assert best[0].text.startswith("In self-attention, every word looks at every other word")
    assert defines("self-attention", best[0].text)
    assert not defines("self-attention", "A Universal Transformer reuses one block of self-attention at every step.")


def test_citations_say_where_the_passage_comes_from(db):
    article = LessonFactory(
        kind="article",
        external_url="https://blog.example.org/norms",
        description="A short guide to normalization layers.",
        material="# Layer normalization\nLayer normalization computes the mean and variance over one example.",
    )
    paper = LessonFactory(
        kind="paper",
        external_url="https://arxiv.org/abs/2612.00001",
        material=("Gradient checkpointing saves memory by recomputing activations during the backward pass."),
    )

    text, description = lesson_passages(article, own=True)
    assert (text.origin, description.origin) == ("article", "description")
    assert text.url.startswith("https://blog.example.org/norms#:~:text=Layer%20normalization")
    assert lesson_passages(paper, own=True)[0].origin == "abstract"
    markdown = answer_markdown([text])
    assert "— [the article](https://blog.example.org/norms#:~:text=" in markdown
    assert "the lesson's description" not in markdown


def test_an_answer_only_from_a_linked_lesson_says_so_and_is_not_found(paper_catalog):
    linked = lesson_passages(paper_catalog["attention-is-all-you-need"], own=False)

    best = passages_rank("What is self-attention?", linked)

    assert best
    assert not answer_found(best)
    markdown = answer_markdown(best)
    assert markdown.startswith("The lesson's own material does not cover this question")
    assert "a lesson this one links to" in markdown


def test_an_answer_from_a_lesson_with_chapters_cites_a_chapter(paper_catalog):
    seed = paper_catalog["seed"]

    retrieved = answer_passages(seed, "What do they mean by loops at 1:17?")

    assert retrieved.found, retrieved
    cited = [*retrieved.passages, *([retrieved.chapter] if retrieved.chapter else [])]
    assert any(passage.as_citation()["start_seconds"] == 77 for passage in cited), cited
    assert f"{SEED_VIDEO}&t=77s" in answer_markdown(retrieved.passages, chapter=retrieved.chapter)

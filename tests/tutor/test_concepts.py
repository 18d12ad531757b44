"""The concept index: terms normalised (case, plurals, acronyms), lessons found to be about a term, and the seed
lesson's terms linked to the papers it names, each explained by that paper's own material."""

import threading

import pytest

from lessons.models import Lesson
from tests.threads import at_once
from tutor.concepts import acronym_pairs, acronym_pairs_defined, concept_key, mentions_find, title_subjects
from tutor.models import ConceptIndexState, ConceptTerm
from tutor.services import concepts as concept_services
from tutor.services.concepts import concepts_refresh, concepts_stale, lesson_concepts


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Vision Transformers", "vision transformer"),
        ("vision transformer", "vision transformer"),
        ("VISION-TRANSFORMERS", "vision transformer"),
        ("LLMs", "llm"),
        ("ViTs", "vit"),
        ("Gemini’s studies", "gemini study"),
        ("process", "process"),
        ("analysis", "analysis"),
    ],
)
def test_a_concept_key_folds_case_plurals_hyphens_and_possessives(written, key):
    assert concept_key(written) == key


def test_an_acronym_becomes_its_long_form_through_the_aliases():
    assert concept_key("ViTs", aliases={"vit": "vision transformer"}) == "vision transformer"


def test_acronym_pairs_need_the_initials_to_spell_the_acronym():
    text = (
        "work on Vision Transformers (ViT) and Recursive Self-Improvement (RSI), with adaptive computation time (ACT)"
    )
    assert acronym_pairs(text) == [
        ("Vision Transformers", "ViT"),
        ("Recursive Self-Improvement", "RSI"),
        ("adaptive computation time", "ACT"),
    ]
    assert acronym_pairs("a model (GPT) of text") == []


def test_a_short_title_or_the_part_before_its_colon_is_the_subject():
    assert title_subjects("Universal Transformers") == ["Universal Transformers"]
    assert title_subjects("BERT: Pre-training of Deep Bidirectional Transformers") == ["BERT"]
    assert title_subjects("Attention Is All You Need") == []


def test_mentions_prefer_the_longest_phrase_and_keep_the_texts_wording():
    found = mentions_find("Universal Transformers and ViTs", ["universal transformer", "transformer", "vit"])
    assert [(mention.key, mention.term) for mention in found] == [
        ("universal transformer", "Universal Transformers"),
        ("vit", "ViTs"),
    ]


@pytest.mark.django_db
def test_the_index_knows_which_lesson_is_about_a_term_including_its_acronym(paper_catalog):
    concepts_refresh()

    subjects = dict(ConceptTerm.objects.filter(subject=True).values_list("key", "lesson__slug"))
    assert subjects["universal transformer"] == "universal-transformers"
    assert subjects["vision transformer"] == subjects["vit"] == "an-image-is-worth-16x16-words"
    assert not ConceptTerm.objects.filter(lesson=paper_catalog["seed"], key="vision transformer", subject=True)


@pytest.mark.django_db
def test_the_seed_lesson_links_the_papers_it_names_with_their_own_sentence(paper_catalog):
    concepts_refresh()

    concepts = {concept.url: concept for concept in lesson_concepts(lesson=paper_catalog["seed"])}

    universal = concepts["/lessons/universal-transformers/"]
    assert (universal.term, universal.lesson_title, universal.lesson_year) == (
        "Universal Transformers",
        "Universal Transformers",
        2018,
    )
    assert universal.source_line == "the lesson *Universal Transformers* (2018)"
    assert universal.sentence.startswith("A Universal Transformer is a transformer that reuses one block")
    vision = concepts["/lessons/an-image-is-worth-16x16-words/"]
    assert vision.term == "Vision Transformers"
    assert vision.sentence in paper_catalog["an-image-is-worth-16x16-words"].material


@pytest.mark.django_db
def test_the_index_is_stale_after_a_lesson_changes_and_fresh_after_a_refresh(paper_catalog):
    concepts_refresh()
    assert not concepts_stale()

    paper = paper_catalog["universal-transformers"]
    paper.status = Lesson.Status.DRAFT
    paper.save()
    assert concepts_stale()

    assert concepts_refresh() == 1
    assert not ConceptTerm.objects.filter(lesson=paper).exists()
    assert "/lessons/universal-transformers/" not in {c.url for c in lesson_concepts(lesson=paper_catalog["seed"])}


@pytest.mark.postgres  # row locks and a waiting unique index are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_index_each_lesson_once(paper_catalog, monkeypatch):
    """Both workers read the same stale lessons and work out their terms before either writes (held at a barrier):
    the second to write waits for the first's lock, finds the lesson indexed, and neither fails."""
    both_computed = threading.Barrier(2, timeout=30)
    terms_of = concept_services._lesson_terms
    waited: set[int] = set()

    def terms_then_wait(lesson):
        rows = terms_of(lesson)
        if threading.get_ident() not in waited:  # each worker's first lesson, the same one for both
            waited.add(threading.get_ident())
            both_computed.wait()
        return rows

    monkeypatch.setattr(concept_services, "_lesson_terms", terms_then_wait)
    outcomes = at_once(2, concepts_refresh)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    published = Lesson.objects.published().count()
    assert sum(outcomes) == published  # each lesson indexed by one of the two
    assert ConceptIndexState.objects.count() == published
    assert not concepts_stale()
    keys = list(ConceptTerm.objects.values_list("lesson_id", "key"))
    assert len(keys) == len(set(keys)) > 0


@pytest.mark.parametrize(
    ("opening", "defined"),
    [
        ("The Vision Transformer (ViT) reads an image as a sequence of patches.", [("Vision Transformer", "ViT")]),
        ("We propose the Universal Transformer (UT), a parallel recurrent model.", [("Universal Transformer", "UT")]),
        ("Layer normalization (LN) is a way to rescale activations.", [("Layer normalization", "LN")]),
        ("Deep Learning (DL) has revolutionized computer vision and language.", []),
        ("Large language models (LLMs) have transformed how software is written.", []),
        ("Recent work on Recursive Self-Improvement (RSI) shows promise.", []),
    ],
)
def test_an_opening_defines_a_name_it_introduces_not_a_field_it_opens_with(opening, defined):
    assert acronym_pairs_defined(opening) == defined


@pytest.mark.django_db
def test_an_abstract_opening_with_a_field_does_not_become_the_catalogs_lesson_for_it(paper_catalog):
    from tests.factories import LessonFactory

    survey = LessonFactory(
        slug="efficient-training-survey",
        title="Efficient Training of Deep Networks: A Survey of Mixed Precision and Checkpointing",
        kind="paper",
        material=(
            "Deep Learning (DL) has revolutionized computer vision, speech recognition and language processing. "
            "In this survey we review mixed precision training and gradient checkpointing."
        ),
    )
    talk = LessonFactory(description="Why deep learning keeps surprising its own researchers, in one hour.")
    concepts_refresh()

    assert not ConceptTerm.objects.filter(lesson=survey, subject=True, key__in=["deep learning", "dl"]).exists()
    assert ConceptTerm.objects.filter(lesson=survey, key="deep learning", subject=False).exists()
    assert "/lessons/efficient-training-survey/" not in {concept.url for concept in lesson_concepts(lesson=talk)}

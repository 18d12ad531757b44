"""Related lessons by similarity: precomputed, curated ones left alone, drafts never suggested, stable when rerun."""

import pytest

from lessons.models import Lesson, RelatedLesson
from lessons.related import COMPUTED_PER_LESSON, related_recompute
from lessons.tasks import related_recompute_task
from tests.factories import CategoryFactory, ChapterFactory, LessonFactory, RelatedLessonFactory
from tests.threads import at_once

pytestmark = pytest.mark.django_db


def computed_titles(lesson):
    rows = RelatedLesson.objects.filter(lesson=lesson, curated=False).order_by("position")
    return [row.related.title for row in rows]


@pytest.fixture
def topics():
    nlp, rl = CategoryFactory(name="Language"), CategoryFactory(name="Reinforcement")
    return {
        "attention": LessonFactory(
            title="Attention is all you need", summary="Learn how self-attention replaces recurrence", category=nlp
        ),
        "bert": LessonFactory(
            title="BERT: bidirectional transformers", summary="Learn how masked self-attention pre-training works",
            category=nlp,
        ),
        "vit": LessonFactory(
            title="Vision transformers", summary="Learn how self-attention reads image patches", category=nlp
        ),
        "ppo": LessonFactory(
            title="Proximal policy optimization", summary="Learn a stable policy gradient method", category=rl
        ),
        "dqn": LessonFactory(
            title="Deep Q-networks play Atari", summary="Learn value-based deep reinforcement learning", category=rl
        ),
    }  # fmt: skip


def test_similar_lessons_are_related_first_and_unrelated_ones_last(topics):
    related_recompute()
    titles = computed_titles(topics["attention"])
    assert set(titles[:2]) == {"BERT: bidirectional transformers", "Vision transformers"}
    assert set(computed_titles(topics["ppo"])[:1]) == {"Deep Q-networks play Atari"}


def test_at_most_four_computed_rows_are_kept_per_lesson_with_scores_best_first():
    lessons = [
        LessonFactory(title=f"Transformers and attention, part {n}", summary="Learn attention") for n in range(7)
    ]
    related_recompute()
    rows = list(RelatedLesson.objects.filter(lesson=lessons[0], curated=False).order_by("position"))
    assert len(rows) == COMPUTED_PER_LESSON
    assert [row.position for row in rows] == [1, 2, 3, 4]
    assert [row.score for row in rows] == sorted((row.score for row in rows), reverse=True)
    assert all(0 < row.score <= 1 for row in rows)


def test_chapter_titles_count_towards_similarity():
    a = LessonFactory(title="An interview", summary="A talk")
    b = LessonFactory(title="Another interview", summary="A conversation")
    LessonFactory(title="Yet another interview", summary="A chat")
    ChapterFactory(lesson=a, title="Recursive self-improvement and model collapse")
    ChapterFactory(lesson=b, title="What is model collapse in recursive training?")
    related_recompute()
    assert computed_titles(a)[0] == "Another interview"


def test_curated_lessons_are_left_alone_and_not_suggested_again(topics):
    curated = RelatedLessonFactory(lesson=topics["attention"], related=topics["bert"], curated=True, position=1)
    related_recompute()
    assert RelatedLesson.objects.filter(pk=curated.pk, curated=True).exists()
    assert "BERT: bidirectional transformers" not in computed_titles(topics["attention"])


def test_drafts_are_never_suggested_but_get_suggestions_for_their_preview(topics):
    draft = LessonFactory(
        title="Transformers with self-attention, a draft", summary="Learn self-attention", status=Lesson.Status.DRAFT
    )
    related_recompute(lesson=draft)
    assert not RelatedLesson.objects.filter(related=draft).exists()
    assert "Attention is all you need" in computed_titles(draft)


def test_recomputing_twice_stores_the_same_rows(topics):
    related_recompute()
    first = sorted(RelatedLesson.objects.values_list("lesson", "related", "position", "score"))
    result = related_recompute()
    assert sorted(RelatedLesson.objects.values_list("lesson", "related", "position", "score")) == first
    assert result.rows == len(first)


def test_unpublished_lessons_lose_their_place_in_others_suggestions(topics):
    related_recompute()
    assert RelatedLesson.objects.filter(related=topics["bert"]).exists()
    Lesson.objects.filter(pk=topics["bert"].pk).update(status=Lesson.Status.DRAFT)
    related_recompute()
    assert not RelatedLesson.objects.filter(related=topics["bert"]).exists()


def test_a_catalog_of_one_or_of_empty_texts_stores_nothing():
    LessonFactory(title="Alone", summary="")
    assert related_recompute().rows == 0
    assert not RelatedLesson.objects.exists()


def test_the_task_recomputes_and_reports_the_rows_stored(topics, celery_eager):
    rows = related_recompute_task.delay(topics["attention"].pk).get()
    assert rows == RelatedLesson.objects.filter(curated=False).count() > 0
    assert related_recompute_task.delay(None).get() == rows


@pytest.mark.postgres
@pytest.mark.postgres  # SQLite runs one writer at a time
@pytest.mark.django_db(transaction=True)
def test_overlapping_recomputes_both_succeed_and_leave_one_set_of_rows(topics):
    """Two workers recomputing at once (publishing several items) deleted and inserted the same rows: the second
    insert met the first one's rows at the unique index and failed for good."""
    related_recompute()
    expected = sorted(RelatedLesson.objects.filter(curated=False).values_list("lesson_id", "related_id", "position"))
    for _round in range(5):
        outcomes = at_once(2, related_recompute)
        assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
        assert [outcome.rows for outcome in outcomes] == [len(expected)] * 2
        rows = RelatedLesson.objects.filter(curated=False).values_list("lesson_id", "related_id", "position")
        assert sorted(rows) == expected

"""A published incoming item's summary reads as a learner's line: no "Learn:" label, no word cut short with "…"."""

import pytest

from lessons.models import Lesson
from lessons.services import lesson_publish, summary_for_learners
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("suggested", "published"),
    [
        ("Learn: A state space model that chooses what to keep.", "A state space model that chooses what to keep."),
        ("Learn: fine-tuning without a reward model", "Fine-tuning without a reward model"),
        ("Learn: It runs in linear time. It matches transformers of twice its si…", "It runs in linear time."),
        ("Learn: A model that learns by itself when to call external tools such as a calcu…",
         "A model that learns by itself when to call external tools."),
    ],
)  # fmt: skip
def test_the_suggestion_s_label_and_cut_end_are_not_published(suggested, published):
    assert summary_for_learners(suggested) == published


def test_publishing_an_incoming_item_uses_the_cleaned_suggestion():
    item = LessonFactory(
        status=Lesson.Status.INCOMING, summary="", suggested_summary="Learn: It runs in linear time. And matches tr…"
    )
    assert lesson_publish(lesson=item)
    item.refresh_from_db()
    assert item.summary == "It runs in linear time."

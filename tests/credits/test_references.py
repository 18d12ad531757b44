"""References are built and read by the app that writes them; the statement links them through reverse()."""

import pytest

from credits.references import reference_url
from gamification.references import lesson_reference, lesson_reference_parse
from purchases.references import purchase_reference, purchase_reference_parse
from tests.factories import LessonFactory
from tutor.references import unlock_reference, unlock_reference_parse

pytestmark = pytest.mark.django_db


def test_each_reference_reads_back_the_id_it_was_built_from():
    lesson = LessonFactory()
    assert unlock_reference_parse(unlock_reference(lesson)) == lesson.pk
    assert lesson_reference_parse(lesson_reference(lesson)) == lesson.pk
    assert purchase_reference_parse(purchase_reference(7)) == 7


@pytest.mark.parametrize("reference", ["", "purchase:", "purchase:x", "unlock:lesson:7", "7"])
def test_a_string_that_is_not_a_purchases_reference_reads_as_none(reference):
    assert purchase_reference_parse(reference) is None


def test_the_statement_links_each_producers_references_to_their_pages():
    lesson = LessonFactory()
    assert reference_url(unlock_reference(lesson)) == f"/lessons/id/{lesson.pk}/"
    assert reference_url(lesson_reference(lesson)) == f"/lessons/id/{lesson.pk}/"
    assert reference_url(purchase_reference(7)) == "/credits/purchases/7/"
    assert reference_url("unlock:lesson:not-a-number") is None
    assert reference_url("made-up:1") is None

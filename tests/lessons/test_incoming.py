"""The rows a source's feed brings in, written by the catalog's own services: incoming lessons (in bulk, all or
nothing under the unique constraint), their refresh and material, and a polled source's health."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lessons.chapters import ParsedChapter
from lessons.exceptions import SourceNameTaken
from lessons.models import Chapter, FeedFormat, Lesson, Level
from lessons.services import (
    IncomingItem,
    IncomingMaterial,
    incoming_item_create,
    incoming_item_refresh,
    incoming_items_create,
    incoming_materials_set,
    source_poll_failed,
    source_poll_lease_take,
    source_poll_succeeded,
    source_polled_add,
)
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def item(key: str, **fields) -> IncomingItem:
    values = {"title": f"Item {key}", "link": f"https://example.org/{key}", "description": f"About {key}."} | fields
    return IncomingItem(identity_key=key, **values)


@pytest.fixture
def source():
    return source_polled_add(name="A blog", feed_format=FeedFormat.RSS, feed_url="https://example.org/feed")[0]


def test_new_items_become_incoming_lessons_with_their_chapters_and_suggestions(source):
    category = CategoryFactory()
    chapters = (ParsedChapter(start_seconds=90, title="Later"), ParsedChapter(start_seconds=0, title="Start"))
    created = incoming_items_create(
        source=source,
        items=[
            item("a", chapters=chapters, suggested_category_id=category.pk, suggested_level=Level.ADVANCED),
            item("b", published_on=date(2026, 11, 2), suggested_summary="Learn: b."),
        ],
        now=timezone.now(),
    )

    assert created is not None
    a, b = (Lesson.objects.get(pk=lesson.pk) for lesson in created)
    assert (a.status, a.kind, a.identity_key, a.source) == (Lesson.Status.INCOMING, "article", "a", source)
    assert (a.suggested_category, a.suggested_level, a.level) == (category, Level.ADVANCED, Level.ADVANCED)
    assert list(a.chapters.values_list("position", "start_seconds", "title")) == [(1, 0, "Start"), (2, 90, "Later")]
    assert (b.published_at, b.suggested_summary, b.level) == (date(2026, 11, 2), "Learn: b.", Level.BEGINNER)


def test_a_batch_with_a_known_item_keeps_nothing_and_the_known_item_is_refused_alone(source):
    now = timezone.now()
    incoming_item_create(source=source, item=item("known"), now=now)

    assert incoming_items_create(source=source, items=[item("fresh"), item("known")], now=now) is None
    assert list(Lesson.objects.values_list("identity_key", flat=True)) == ["known"]
    assert incoming_item_create(source=source, item=item("known", title="Again"), now=now) is None
    assert incoming_item_create(source=source, item=item("fresh"), now=now) is not None
    assert Lesson.objects.count() == 2


def test_a_refresh_updates_an_untouched_incoming_lesson_only(source):
    lesson = incoming_item_create(source=source, item=item("a"), now=timezone.now())
    assert lesson is not None

    assert incoming_item_refresh(lesson_id=lesson.pk, item=item("a")) is False  # nothing changed
    assert incoming_item_refresh(lesson_id=lesson.pk, item=item("a", title="Renamed")) is True
    Lesson.objects.filter(pk=lesson.pk).update(curator_edited_at=timezone.now())
    assert incoming_item_refresh(lesson_id=lesson.pk, item=item("a", title="Overwritten")) is False
    assert Lesson.objects.get(pk=lesson.pk).title == "Renamed"


def test_material_is_stored_only_on_lessons_no_curator_touched(source):
    now = timezone.now()
    fresh = incoming_item_create(source=source, item=item("fresh", chapters=(ParsedChapter(0, "Notes"),)), now=now)
    edited = incoming_item_create(source=source, item=item("edited"), now=now)
    assert fresh is not None
    assert edited is not None
    Lesson.objects.filter(pk=edited.pk).update(curator_edited_at=now)
    chapters = (ParsedChapter(0, "Opening"), ParsedChapter(61, "The point"))

    written = incoming_materials_set(
        materials=[
            IncomingMaterial(lesson_id=fresh.pk, text="The article.", transcript="WEBVTT\n", chapters=chapters),
            IncomingMaterial(lesson_id=edited.pk, text="Not wanted."),
        ],
        now=now,
    )

    assert written == {fresh.pk}
    fresh.refresh_from_db()
    assert (fresh.material, fresh.transcript) == ("The article.", "WEBVTT\n")
    assert list(Chapter.objects.filter(lesson=fresh).values_list("title", flat=True)) == ["Opening", "The point"]
    assert Lesson.objects.get(pk=edited.pk).material == ""


def test_a_source_name_that_reads_another_feed_is_refused(source):
    with pytest.raises(SourceNameTaken):
        source_polled_add(name="A blog", feed_format=FeedFormat.RSS, feed_url="https://example.org/other")
    assert source_polled_add(name="Other", feed_format=FeedFormat.RSS, feed_url=source.feed_url) == (source, False)


def test_a_poll_lease_is_taken_once_and_the_health_fields_follow_each_poll(source):
    now = timezone.now()
    assert source_poll_lease_take(source_id=source.pk, now=now, until=now + timedelta(minutes=15)) is True
    assert source_poll_lease_take(source_id=source.pk, now=now, until=now + timedelta(minutes=15)) is False

    source_poll_failed(source=source, message="unreachable", failures=3, retry_at=now, disable=True, now=now)
    source.refresh_from_db()
    assert (source.last_error, source.consecutive_failures, source.enabled) == ("unreachable", 3, False)

    source_poll_succeeded(source=source, now=now, etag='"v2"', last_modified="")
    source.refresh_from_db()
    assert (source.last_error, source.consecutive_failures, source.etag) == ("", 0, '"v2"')
    assert source.next_poll_at == now + timedelta(minutes=source.poll_interval_minutes)

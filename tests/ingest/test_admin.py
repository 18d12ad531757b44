"""The curator's admin: the Incoming queue (suggestions, material, bulk publish/reject/merge) and source health."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from ingest.services import source_poll
from lessons.models import Lesson, LessonStatus, Source
from tests.factories import LessonFactory, UserFactory
from tests.ingest.conftest import source_for

pytestmark = pytest.mark.django_db

QUEUE = "/admin/ingest/incominglesson/"
SOURCES = "/admin/lessons/source/"


@pytest.fixture
def podcast(feed_server) -> Source:
    source = source_for(feed_server, "/podcast.rss", "podcast", name="Test Podcast")
    source_poll(source_id=source.pk, material_inline=True)
    return source


def test_the_queue_lists_incoming_items_newest_first_with_the_material_found(staff_client, podcast):
    LessonFactory(title="Already published")
    page = staff_client.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Agents that write their own tools" in html
    assert "Already published" not in html
    assert "transcript" in html


def test_the_queue_shows_what_a_curator_decides_on_and_the_item_the_rest(staff_client, podcast):
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', staff_client.get(QUEUE).content.decode())
    assert columns == ["title", "source", "suggestion", "suggested_level", "material_found", "created"]
    item = Lesson.objects.get(identity_key="test-podcast-episode-1")
    html = staff_client.get(f"{QUEUE}{item.pk}/change/").content.decode()
    assert "Open ↗" in html
    assert "What the source brought" in html
    assert "transcript" in html


def test_bulk_publish_and_reject_from_the_queue(staff_client, podcast):
    first, second = Lesson.objects.filter(identity_key__in=["test-podcast-episode-1", "test-podcast-episode-2"])
    response = staff_client.post(QUEUE, {"action": "publish_incoming", "_selected_action": [first.pk]}, follow=True)
    assert "Published 1 lesson." in response.content.decode()
    staff_client.post(QUEUE, {"action": "reject_incoming", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (LessonStatus.PUBLISHED, LessonStatus.REJECTED)


def test_staff_who_may_only_view_the_queue_cannot_publish_or_reject_from_it(client, podcast):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_incominglesson"))
    client.force_login(viewer)
    item = Lesson.objects.get(identity_key="test-podcast-episode-1")
    assert client.get(QUEUE).status_code == 200
    for action in ("publish_incoming", "reject_incoming", "merge_incoming"):
        client.post(QUEUE, {"action": action, "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.status == LessonStatus.INCOMING


def test_merging_gives_the_existing_lesson_what_it_lacked_and_rejects_the_item(staff_client, podcast):
    existing = LessonFactory(title="The same episode, typed by hand", transcript="")
    item = Lesson.objects.get(identity_key="test-podcast-episode-1")
    form = staff_client.post(QUEUE, {"action": "merge_incoming", "_selected_action": [item.pk]})
    assert "Slug of the lesson to merge into" in form.content.decode()
    staff_client.post(QUEUE, {"action": "merge_incoming", "_selected_action": [item.pk], "into": existing.slug})
    existing.refresh_from_db()
    item.refresh_from_db()
    assert existing.transcript.startswith("WEBVTT")
    assert existing.chapters.count() == 4
    assert (item.status, item.merged_into) == (LessonStatus.REJECTED, existing)


def test_a_curators_edit_marks_the_item_so_polls_leave_it_alone(staff_client, podcast):
    item = Lesson.objects.get(identity_key="test-podcast-episode-2")
    form = staff_client.get(f"/admin/lessons/lesson/{item.pk}/change/")
    assert form.status_code == 200
    data = {
        "title": "Reading papers, retitled", "slug": item.slug, "status": item.status,
        "external_url": item.external_url, "kind": item.kind, "source": item.source_id, "authors": "",
        "published_at": item.published_at.isoformat(),
        "duration_seconds": item.duration_seconds or "", "summary": "", "level": item.level, "category": "",
        "description": item.description, "transcript": item.transcript, "unlock_price": item.unlock_price,
        "up_next": "", "up_next_reason": "",
        "lesson_skills-TOTAL_FORMS": 0, "lesson_skills-INITIAL_FORMS": 0,
        "chapters-TOTAL_FORMS": 0, "chapters-INITIAL_FORMS": 0,
        "related_links-TOTAL_FORMS": 0, "related_links-INITIAL_FORMS": 0,
        "related_links-2-TOTAL_FORMS": 0, "related_links-2-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = staff_client.post(f"/admin/lessons/lesson/{item.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.title == "Reading papers, retitled"
    assert item.curator_edited_at is not None


def test_sources_show_their_health_and_can_be_polled_now(staff_client, podcast, feed_server, celery_eager):
    broken = source_for(feed_server, "/nothing-here.rss", "rss", name="Broken feed")
    source_poll(source_id=broken.pk)
    html = staff_client.get(SOURCES).content.decode()
    assert "⚠ HTTP 404" in html
    assert "✓ OK" in html
    feed_server.routes["/nothing-here.rss"] = feed_server.routes["/blog.rss"]
    response = staff_client.post(SOURCES, {"action": "poll_now", "_selected_action": [broken.pk]}, follow=True)
    assert "Polling 1 source(s) in the background" in response.content.decode()
    broken.refresh_from_db()
    assert (broken.last_error, broken.consecutive_failures) == ("", 0)
    assert Lesson.objects.filter(source=broken).count() == 2


def test_the_queue_and_the_sources_list_stay_within_a_query_budget(
    staff_client, podcast, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert staff_client.get(QUEUE).status_code == 200
    with django_assert_max_num_queries(12):
        assert staff_client.get(SOURCES).status_code == 200


def test_an_item_shows_related_published_lessons(staff_client, feed_server):
    LessonFactory(title="Agents and the tools they write for themselves")
    source = source_for(feed_server, "/podcast.rss", "podcast", name="Test Podcast")
    source_poll(source_id=source.pk, material_inline=True)
    item = Lesson.objects.get(identity_key="test-podcast-episode-1")
    html = staff_client.get(f"{QUEUE}{item.pk}/change/").content.decode()
    assert "Agents and the tools they write for themselves" in html


def test_publishing_many_items_at_once_recomputes_related_lessons_once(
    staff_client, podcast, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[object] = []
    monkeypatch.setattr("lessons.services.related_recompute_task.delay", sent.append)
    items = list(Lesson.objects.filter(source=podcast, status=LessonStatus.INCOMING).values_list("pk", flat=True))
    assert len(items) >= 2

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(QUEUE, {"action": "publish_incoming", "_selected_action": items}, follow=True)

    assert f"Published {len(items)} lessons." in response.content.decode()
    assert sent == [None]  # one whole-catalog recompute for the lot

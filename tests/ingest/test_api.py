"""Staff-only curation API: the incoming queue, publishing and rejecting; visitors get 401, learners 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from ingest.services import source_poll
from lessons.models import Lesson, LessonStatus
from tests.factories import CategoryFactory, LessonFactory, StaffUserFactory, UserFactory
from tests.ingest.conftest import source_for

pytestmark = pytest.mark.django_db

INCOMING = "/api/v1/curation/incoming"


@pytest.fixture
def incoming(feed_server):
    source_for(feed_server, "/channel.xml", "youtube", name="Test Channel")
    source = source_for(feed_server, "/podcast.rss", "podcast", name="Test Podcast")
    for each in (source.pk, source.pk - 1):
        source_poll(source_id=each, material_inline=True)
    return Lesson.objects.incoming()


def test_a_curator_sees_the_queue_with_chapters_links_and_material_found(staff_client, incoming):
    response = staff_client.get(INCOMING)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    by_title = {item["title"]: item for item in body["items"]}
    video = by_title["Planning in small models"]
    assert set(video) >= {
        "slug", "title", "source", "kind", "external_url", "published_at", "suggested_category", "suggested_level",
        "chapters", "material",
    }  # fmt: skip
    assert video["source"] == "Test Channel"
    assert video["kind"] == "youtube"
    assert video["chapters"][1] == {
        "start_seconds": 77,
        "title": "Why planning is hard",
        "url": "https://www.youtube.com/watch?v=AbCdEf12345&t=77s",
    }
    assert video["material"] == {"transcript": False, "text_chars": 0}
    episode = by_title["Agents that write their own tools"]
    assert episode["material"]["transcript"] is True
    assert len(episode["chapters"]) == 4


def test_publishing_puts_the_lesson_in_the_catalog_with_its_chapters(staff_client, incoming):
    lesson = incoming.get(title="Planning in small models")
    response = staff_client.post(f"{INCOMING}/{lesson.slug}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.PUBLISHED
    staff_client.logout()
    detail = staff_client.get(f"/api/v1/lessons/{lesson.slug}")
    assert detail.status_code == 200
    assert detail.json()["chapters"][1]["url"] == "https://www.youtube.com/watch?v=AbCdEf12345&t=77s"
    listed = staff_client.get("/api/v1/lessons").json()
    assert [item["slug"] for item in listed["items"]] == [lesson.slug]
    assert staff_client.get(f"/lessons/{lesson.slug}/").status_code == 200
    # Publishing twice is harmless; the queue no longer holds it.
    staff_client.force_login(StaffUserFactory())
    assert staff_client.post(f"{INCOMING}/{lesson.slug}/publish").status_code == 200
    assert lesson.slug not in {item["slug"] for item in staff_client.get(INCOMING).json()["items"]}


def test_publishing_takes_the_suggested_category_and_summary_where_none_was_set(staff_client, incoming):
    lesson = incoming.get(title="Planning in small models")
    category = CategoryFactory()
    Lesson.objects.filter(pk=lesson.pk).update(suggested_category=category, suggested_summary="Learn: planning.")
    staff_client.post(f"{INCOMING}/{lesson.slug}/publish")
    lesson.refresh_from_db()
    assert (lesson.category, lesson.summary) == (
        category,
        "Planning.",
    )  # the suggestion's label is the curator's, not the learner's


def test_rejecting_keeps_it_out_of_the_catalog_and_the_queue(staff_client, incoming):
    lesson = incoming.get(title="Plain words")
    response = staff_client.post(f"{INCOMING}/{lesson.slug}/reject")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert staff_client.get(INCOMING).json()["count"] == 4
    assert staff_client.get(f"/api/v1/lessons/{lesson.slug}").status_code == 404
    assert staff_client.post(f"{INCOMING}/{lesson.slug}/publish").status_code == 409


def test_incoming_lessons_stay_out_of_the_catalog_and_the_api_even_for_staff(staff_client, incoming):
    LessonFactory(title="A published one")
    listed = staff_client.get("/api/v1/lessons").json()
    assert [item["title"] for item in listed["items"]] == ["A published one"]
    lesson = incoming.first()
    assert staff_client.get(f"/api/v1/lessons/{lesson.slug}").status_code == 404
    # Its own page is the curator's preview before publishing, under a banner (tests/lessons/test_staff_preview.py).
    assert "Not published" in staff_client.get(f"/lessons/{lesson.slug}/").content.decode()


def test_unknown_slugs_answer_404(staff_client, db):
    hand_made = LessonFactory(status=LessonStatus.DRAFT)
    for slug in ("no-such-lesson", hand_made.slug):
        response = staff_client.post(f"{INCOMING}/{slug}/publish")
        assert response.status_code == 404
        assert "detail" in response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", INCOMING), ("post", f"{INCOMING}/x/publish"), ("post", f"{INCOMING}/x/reject")],
)
def test_visitors_get_401_and_learners_403(client, method, path):
    assert getattr(client, method)(path).status_code == 401
    client.force_login(UserFactory())
    response = getattr(client, method)(path)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only curators")


def curator_with(*codenames: str):
    """A staff account (not a superuser) holding only these permissions on the incoming queue."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="ingest", codename__in=codenames))
    return user


def test_staff_without_the_queues_permissions_can_neither_see_nor_decide(client, incoming):
    lesson = incoming.get(title="Plain words")
    client.force_login(curator_with())
    for method, path in [
        ("get", INCOMING),
        ("post", f"{INCOMING}/{lesson.slug}/publish"),
        ("post", f"{INCOMING}/{lesson.slug}/reject"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 403, path
        assert response.json()["detail"].startswith("Only curators")
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.INCOMING


def test_staff_who_may_only_view_the_queue_see_it_but_cannot_publish(client, incoming):
    lesson = incoming.get(title="Plain words")
    client.force_login(curator_with("view_incominglesson"))
    assert client.get(INCOMING).json()["count"] == 5
    assert client.post(f"{INCOMING}/{lesson.slug}/publish").status_code == 403
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.INCOMING


def test_staff_allowed_to_change_incoming_lessons_publish_and_reject(client, incoming):
    first, second = incoming.order_by("pk")[:2]
    client.force_login(curator_with("change_incominglesson"))
    assert client.get(INCOMING).status_code == 200
    assert client.post(f"{INCOMING}/{first.slug}/publish").json()["status"] == "published"
    assert client.post(f"{INCOMING}/{second.slug}/reject").json()["status"] == "rejected"

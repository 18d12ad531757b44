"""A curator previews an incoming item's lesson page from the admin's "View on site" before publishing it; learners
and visitors still cannot open it, and the catalog does not list it, even for staff."""

import pytest

from lessons.models import Lesson
from tests.factories import LessonFactory, StaffUserFactory, UserFactory
from tests.lessons.html import lesson_cards, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def incoming():
    return LessonFactory(status=Lesson.Status.INCOMING, title="A paper a feed brought in")


def test_staff_preview_an_incoming_item_with_a_not_published_banner(client, incoming):
    client.force_login(StaffUserFactory())
    response = client.get(incoming.get_absolute_url())
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "A paper a feed brought in" in text
    assert "Not published (incoming" in text
    assert "a preview for staff; learners cannot see this page until it is published." in text


def test_the_admin_s_view_on_site_link_of_an_incoming_item_opens_the_preview(client, incoming):
    client.force_login(StaffUserFactory())
    admin_page = client.get(f"/admin/lessons/lesson/{incoming.pk}/change/")
    assert incoming.get_absolute_url() in admin_page.content.decode()
    assert client.get(incoming.get_absolute_url()).status_code == 200


def test_learners_and_visitors_still_get_a_404_and_the_catalog_stays_clean(client, incoming):
    assert client.get(incoming.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(incoming.get_absolute_url()).status_code == 404
    client.force_login(StaffUserFactory())
    assert "A paper a feed brought in" not in lesson_cards(client.get("/lessons/").content)

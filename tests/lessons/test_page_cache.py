"""The page cache: a visitor's page renders once per content version, and every change a visitor could see makes a new
version, so no page is ever stale after an admin save, a publish, a new related list or a new explanation version.

Each invalidating action has its own test: the page is cached first (the second GET runs no query), the change is
made the way the product makes it, and the next GET shows it.
"""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.content_version import content_version
from lessons.chapters import ParsedChapter
from lessons.models import Lesson, RelatedLesson
from lessons.services import (
    IncomingItem,
    chapters_replace,
    course_lessons_set,
    incoming_items_create,
    lesson_curation_set,
    lesson_publish,
    lesson_start,
    related_computed_replace,
)
from tests.factories import (
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    PublishedLessonFactory,
    SourceFactory,
    UserFactory,
)
from tests.lessons.admin_forms import lesson_change_form
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db


def cached(client: Client, url: str) -> str:
    """GET ``url`` twice and check the second came from the page cache; the page's visible text."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(queries) == 0, f"{url} was not served from the page cache: {[q['sql'][:80] for q in queries]}"
    return visible_text(response.content)


def fresh(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.content)


@pytest.fixture
def lesson():
    return PublishedLessonFactory(title="Attention, step by step", summary="Learn how attention weighs words")


# --- What a visitor gets -----------------------------------------------------------------------------------------


def test_a_visitor_page_holds_no_csrf_token_and_gives_no_cookie(lesson):
    """Nothing on a visitor's page posts (forms and htmx posts are a signed-in learner's), so it holds no token: every
    visitor gets the same bytes, and no visitor is handed a cookie."""
    for url in (lesson.get_absolute_url(), "/lessons/", "/", "/lessons/?q=attention"):
        first, second = Client(), Client()
        one, two = first.get(url), second.get(url)
        assert one.status_code == two.status_code == 200, url
        assert one.content == two.content, url
        assert b"csrf" not in one.content.lower(), url
        assert not one.cookies, url
        assert not two.cookies, url


@pytest.mark.urls("tests.lessons.urls_shared_form")
def test_a_form_on_a_shared_page_gets_each_visitors_own_csrf_token():
    from tests.lessons import urls_shared_form

    urls_shared_form.renders.clear()
    first, second = Client(), Client()
    page_one = first.get("/shared-form/").content.decode()
    page_two = second.get("/shared-form/").content.decode()
    assert urls_shared_form.renders == ["/shared-form/"]  # the second visitor's page came from the cache
    assert "shared-page:csrf-token" not in page_one + page_two
    token = page_one.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64
    assert token not in page_two
    # The token is the visitor's own: a post with it passes the CSRF check (another visitor's does not).
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = first.cookies
    own = checked.post("/lessons/progress/merge", {}, HTTP_X_CSRFTOKEN=token)
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = second.cookies
    assert own.status_code != 403
    assert forged.post("/lessons/progress/merge", {}, HTTP_X_CSRFTOKEN=token).status_code == 403


def test_the_lesson_api_for_visitors_comes_from_the_cache(client, lesson):
    client.get(f"/api/v1/lessons/{lesson.slug}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/lessons/{lesson.slug}")
    assert len(queries) == 0
    assert response.json()["title"] == "Attention, step by step"
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_a_signed_in_learner_never_gets_a_visitor_page_nor_leaves_theirs_in_the_cache(client, lesson):
    learner = UserFactory()
    lesson_start(user=learner, lesson=lesson)
    visitor_page = cached(Client(), lesson.get_absolute_url())
    client.force_login(learner)
    own = client.get(lesson.get_absolute_url())
    assert own["Cache-Control"] == "private, no-store"
    assert "data-watched-mark hidden" not in own.content.decode()  # their "Watched" mark is shown
    assert "ETag" not in own
    again = Client().get(lesson.get_absolute_url()).content.decode()
    assert learner.email not in again
    assert "Sign in" in visible_text(again, main_only=False)
    assert visible_text(again) == visitor_page


def test_a_visitor_with_a_message_to_see_gets_a_page_rendered_for_them(client, lesson):
    """Signing out lands on the home page with "You have signed out.": a visitor now, whose cached home page has no
    room for the message, so that one answer is rendered for them; the next is the cached page again."""
    cached(Client(), "/")
    client.force_login(UserFactory())
    signed_out = client.post("/accounts/logout/", follow=True)
    assert signed_out.redirect_chain[-1][0] == "/"
    assert "You have signed out." in visible_text(signed_out.content, main_only=False)
    assert "You have signed out." not in visible_text(client.get("/").content, main_only=False)


def test_a_cache_outage_renders_the_page_without_it(client, lesson, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("the cache is away")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "add", down)
    for url in (lesson.get_absolute_url(), "/lessons/", "/", f"/api/v1/lessons/{lesson.slug}"):
        assert client.get(url).status_code == 200, url


# --- Conditional GET -------------------------------------------------------------------------------------------------


def test_a_page_the_visitor_has_is_a_304_until_the_content_changes(client, lesson):
    url = lesson.get_absolute_url()
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"')
    with CaptureQueriesContext(connection) as queries:
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert len(queries) == 0
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    lesson.title = "Attention, revised"
    lesson.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Attention, revised" in visible_text(changed.content)
    assert changed["ETag"] != etag


def test_the_api_answers_304_to_a_matching_etag(client, lesson):
    url = f"/api/v1/lessons/{lesson.slug}"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/lessons", HTTP_IF_NONE_MATCH=etag).status_code == 200  # another document


@pytest.mark.urls("tests.lessons.urls_shared_form")
def test_a_new_csrf_cookie_does_not_revalidate_a_page_holding_the_old_token():
    visitor = Client()
    visitor.get("/shared-form/")
    etag = visitor.get("/shared-form/")["ETag"]
    assert visitor.get("/shared-form/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    stranger = Client()
    assert stranger.get("/shared-form/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- Every change a visitor can see makes a new version ---------------------------------------------------------------


def test_an_admin_save_of_a_lesson_shows_at_once(staff_client, lesson):
    visitor = Client()
    assert "Attention, step by step" in cached(visitor, lesson.get_absolute_url())
    data = lesson_change_form(lesson, title="Attention, edited in the admin")
    response = staff_client.post(f"/admin/lessons/lesson/{lesson.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Attention, edited in the admin" in fresh(visitor, lesson.get_absolute_url())
    assert "Attention, edited in the admin" in fresh(visitor, "/lessons/")
    assert Client().get(f"/api/v1/lessons/{lesson.slug}").json()["title"] == "Attention, edited in the admin"


def test_publishing_from_the_admin_list_shows_the_lesson_in_the_catalog(staff_client):
    draft = LessonFactory(title="A draft waiting for its day", status=Lesson.Status.DRAFT)
    visitor = Client()
    assert "A draft waiting for its day" not in cached(visitor, "/lessons/")
    assert visitor.get(draft.get_absolute_url()).status_code == 404
    response = staff_client.post("/admin/lessons/lesson/", {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    assert "A draft waiting for its day" in fresh(visitor, "/lessons/")
    assert "A draft waiting for its day" in fresh(visitor, "/")
    assert visitor.get(draft.get_absolute_url()).status_code == 200


def test_unpublishing_takes_the_page_away(staff_client, lesson):
    visitor = Client()
    cached(visitor, lesson.get_absolute_url())
    staff_client.post("/admin/lessons/lesson/", {"action": "unpublish", "_selected_action": [lesson.pk]})
    assert visitor.get(lesson.get_absolute_url()).status_code == 404
    assert "Attention, step by step" not in fresh(visitor, "/lessons/")


def test_publishing_an_incoming_item_shows_it_and_bringing_items_in_keeps_the_cache(lesson):
    source = SourceFactory()
    visitor = Client()
    cached(visitor, "/lessons/")
    version = content_version()
    item = IncomingItem(identity_key="guid-1", title="Fresh from the feed", link="https://example.com/fresh")
    (incoming,) = incoming_items_create(source=source, items=[item], now=dt.datetime.now(dt.UTC))
    assert content_version() == version  # the curation queue is invisible: the pages stay cached
    assert "Fresh from the feed" not in cached(visitor, "/lessons/")
    lesson_publish(lesson=incoming)
    assert "Fresh from the feed" in fresh(visitor, "/lessons/")


def test_new_chapters_show_at_once(lesson):
    visitor = Client()
    cached(visitor, lesson.get_absolute_url())
    chapters_replace(lesson=lesson, chapters=[ParsedChapter(start_seconds=77, title="Where the loop closes")])
    assert "1:17 Where the loop closes" in fresh(visitor, lesson.get_absolute_url())


def test_a_new_computed_related_list_shows_at_once(lesson):
    other = PublishedLessonFactory(title="Self-attention in practice")
    visitor = Client()
    assert "Self-attention in practice" not in cached(visitor, lesson.get_absolute_url())
    related_computed_replace(
        lesson_ids=[lesson.pk], rows=[RelatedLesson(lesson=lesson, related=other, position=1, score=0.9)]
    )
    assert "Self-attention in practice" in fresh(visitor, lesson.get_absolute_url())


def test_a_curators_related_lessons_and_up_next_show_at_once(lesson):
    picked, following = PublishedLessonFactory(title="Picked by hand"), PublishedLessonFactory(title="Read me next")
    visitor = Client()
    cached(visitor, lesson.get_absolute_url())
    lesson_curation_set(lesson=lesson, up_next=following, up_next_reason="It builds on this one.", related=[picked])
    text = fresh(visitor, lesson.get_absolute_url())
    assert "Picked by hand" in text
    assert "Up next Read me next" in text
    assert "It builds on this one." in text


def test_a_related_lessons_new_title_shows_on_the_pages_that_list_it(lesson):
    other = PublishedLessonFactory(title="Old title of the neighbour")
    RelatedLesson.objects.create(lesson=lesson, related=other, position=1, curated=True)
    visitor = Client()
    assert "Old title of the neighbour" in cached(visitor, lesson.get_absolute_url())
    other.title = "New title of the neighbour"
    other.save()
    assert "New title of the neighbour" in fresh(visitor, lesson.get_absolute_url())


def test_a_course_change_shows_on_its_page_and_on_the_lessons_up_next(lesson):
    course = CourseFactory(title="Attention course")
    second = PublishedLessonFactory(title="Second in the course")
    CourseLessonFactory(course=course, lesson=lesson, position=1)
    visitor = Client()
    in_course = f"{lesson.get_absolute_url()}?course={course.slug}"
    assert "Second in the course" not in cached(visitor, in_course)
    assert "Second in the course" not in cached(visitor, course.get_absolute_url())
    course_lessons_set(course=course, lessons=[lesson, second])
    assert "Next in “Attention course”: lesson 2 of 2." in fresh(visitor, in_course)
    assert "Second in the course" in fresh(visitor, course.get_absolute_url())


def test_a_source_renamed_shows_on_the_cards(lesson):
    visitor = Client()
    cached(visitor, "/lessons/")
    lesson.source.name = "A renamed publisher"
    lesson.source.save()
    assert "A renamed publisher" in fresh(visitor, "/lessons/")


def test_ages_move_on_at_midnight_though_nothing_changed(lesson):
    lesson.published_at = dt.date(2026, 11, 30)
    lesson.save()
    visitor = Client()
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 59, tzinfo=dt.UTC)):
        assert "1d ago" in cached(visitor, lesson.get_absolute_url())
    with time_machine.travel(dt.datetime(2026, 12, 2, 0, 1, tzinfo=dt.UTC)):
        assert "2d ago" in fresh(visitor, lesson.get_absolute_url())


# --- The learner's own parts around the shared body ---------------------------------------------------------------


def test_a_learners_marks_and_course_come_with_the_cached_body(client, lesson):
    course = CourseFactory(title="Followed course")
    CourseLessonFactory(course=course, lesson=lesson, position=1)
    CourseLessonFactory(course=course, lesson=PublishedLessonFactory(title="The next one"), position=2)
    learner = UserFactory()
    client.force_login(learner)
    from lessons.services import course_enroll

    course_enroll(user=learner, course=course)
    client.get(lesson.get_absolute_url())  # the body is now cached
    lesson_start(user=learner, lesson=lesson)
    page = client.get(lesson.get_absolute_url()).content.decode()
    text = visible_text(page)
    assert "Followed course · lesson 1 of 2" in text
    assert "Next in “Followed course”: lesson 2 of 2." in text
    assert "Watched" in text  # their mark, shown although the body was cached before they started
    assert "<!--learner:" not in page


def test_a_new_explanation_version_or_an_edit_shows_to_the_learner_who_unlocked(client, lesson, settings):
    from tests.factories import StaffUserFactory, wallet_fund
    from tutor import services as tutor_services
    from tutor.models import Explanation
    from tutor.services.curation import explanation_edit, explanation_regenerate

    settings.CELERY_TASK_ALWAYS_EAGER = False
    learner = UserFactory()
    wallet_fund(learner, 100)
    tutor_services.unlock(user=learner, lesson=lesson, idempotency_key=str(uuid.uuid4()))
    explanation = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    tutor_services.explanation_write(explanation_id=explanation.pk, claimant="t", final_attempt=True)
    client.force_login(learner)
    first = visible_text(client.get(lesson.get_absolute_url()).content)
    assert "version 1" in first

    explanation.refresh_from_db()
    explanation_edit(explanation=explanation, markdown="## Corrected by our team\n\nAttention weighs words.",
                     editor=StaffUserFactory())  # fmt: skip
    assert "Corrected by our team" in visible_text(client.get(lesson.get_absolute_url()).content)

    new = explanation_regenerate(lesson=lesson)
    tutor_services.explanation_write(explanation_id=new.pk, claimant="t2", final_attempt=True)
    assert new.version == 2
    # The learner paid for version 1 and keeps reading it; a learner unlocking now reads version 2.
    newcomer = UserFactory()
    wallet_fund(newcomer, 100)
    tutor_services.unlock(user=newcomer, lesson=lesson, idempotency_key=str(uuid.uuid4()))
    client.force_login(newcomer)
    assert "version 2" in visible_text(client.get(lesson.get_absolute_url()).content)


def test_a_new_release_renders_the_pages_again(lesson, settings):
    from core.page_cache import code_version

    visitor = Client()
    settings.RELEASE_ID = "release-1"
    code_version.cache_clear()
    try:
        cached(visitor, lesson.get_absolute_url())
        settings.RELEASE_ID = "release-2"
        code_version.cache_clear()
        with CaptureQueriesContext(connection) as queries:
            assert visitor.get(lesson.get_absolute_url()).status_code == 200
        assert len(queries) > 0  # rendered by the new code, not taken from the old one's cache
    finally:
        code_version.cache_clear()


def test_without_a_release_id_a_changed_template_is_a_new_code_version(settings, tmp_path):
    """No RELEASE_ID: the digest of the project's files names the release, so editing a template (and deploying it)
    changes every key; files outside the running code (tests, the virtualenv) do not."""
    from core.page_cache import code_version

    (tmp_path / "lessons" / "templates").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    template = tmp_path / "lessons" / "templates" / "page.html"
    template.write_text("<h1>{{ title }}</h1>")
    settings.RELEASE_ID = ""
    settings.BASE_DIR = tmp_path
    code_version.cache_clear()
    try:
        before = code_version()
        assert len(before) == 16
        assert code_version() == code_version()
        (tmp_path / "tests" / "test_x.py").write_text("assert True\n")
        code_version.cache_clear()
        assert code_version() == before
        template.write_text("<h1 class='title'>{{ title }}</h1>")
        code_version.cache_clear()
        assert code_version() != before
    finally:
        code_version.cache_clear()

"""A signed-in learner's own pages (the lesson page, the statement, /me/) come from the cache until something they can
see changes: then the very next page shows it, whoever made the change (the learner, a worker, an admin, a webhook).

Each way of changing what a learner sees has its own test: the page is cached first (its second GET runs no query),
the change is made the way the product makes it, and the next GET shows it.
"""

import re
import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.learner_pages import learner_changed, learner_version
from credits.services import credits_grant
from gamification.services import freeze_buy
from lessons.services import lesson_start
from tests.factories import LearnerWithCreditsFactory, PublishedLessonFactory, StaffUserFactory, UserFactory
from tests.lessons.html import visible_text
from tests.tutor.conftest import QUICK
from tutor import services as tutor

pytestmark = pytest.mark.django_db

PAGES = ("lesson", "/credits/", "/me/")


@pytest.fixture
def lesson():
    return PublishedLessonFactory(title="Attention, step by step")


@pytest.fixture
def learner():
    return LearnerWithCreditsFactory(credits=100)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def url_of(page: str, lesson) -> str:
    return lesson.get_absolute_url() if page == "lesson" else page


def cached(client: Client, url: str) -> str:
    """GET ``url`` twice and check the second came from the learner's cached copy; the page's whole visible text."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(queries) == 0, f"{url} was not the learner's cached page: {[q['sql'][:80] for q in queries]}"
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


def shown(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def balance(html: str) -> int:
    """The balance in the page's header."""
    return int(re.search(r"<span data-balance>(\d+)</span>", html)[1])


# --- What the learner gets --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_each_learner_page_is_served_from_their_cached_copy_without_a_query(signed_in, lesson, page):
    assert balance(cached(signed_in, url_of(page, lesson))) == 100


@pytest.mark.parametrize("page", PAGES)
def test_a_hit_asks_the_cache_three_times_the_session_both_versions_at_once_and_the_page(
    signed_in, lesson, page, monkeypatch
):
    from django.core.cache import cache

    url = url_of(page, lesson)
    cached(signed_in, url)
    asked: list[str] = []
    inside: list[str] = []  # a backend whose get_many calls its own get (the file cache) counts once
    for name in ("get", "get_many", "add"):
        monkeypatch.setattr(cache, name, _counted(getattr(cache, name), name, asked, inside))
    assert signed_in.get(url).status_code == 200
    assert asked == ["get", "get_many", "get"], asked


def _counted(operation, name: str, asked: list[str], inside: list[str]):
    def counted(*args, **kwargs):
        if not inside:
            asked.append(name)
        inside.append(name)
        try:
            return operation(*args, **kwargs)
        finally:
            inside.pop()

    return counted


def test_two_learners_never_get_each_others_page(lesson):
    ada, bob = LearnerWithCreditsFactory(credits=70), LearnerWithCreditsFactory(credits=40)
    lesson_start(user=ada, lesson=lesson)
    ada_client, bob_client = Client(), Client()
    ada_client.force_login(ada)
    bob_client.force_login(bob)
    for page in PAGES:
        ada_text, bob_text = cached(ada_client, url_of(page, lesson)), cached(bob_client, url_of(page, lesson))
        assert (balance(ada_text), balance(bob_text)) == (70, 40), page
    ada_page = ada_client.get(lesson.get_absolute_url()).content.decode()
    bob_page = bob_client.get(lesson.get_absolute_url()).content.decode()
    assert "data-watched-mark hidden" not in ada_page.split('id="tutor"')[0]  # her "Watched" mark
    assert "data-watched-mark hidden" in bob_page


def test_a_cached_page_carries_the_learners_own_csrf_token_and_new_form_keys_each_time(signed_in, lesson):
    url = lesson.get_absolute_url()
    cached(signed_in, url)
    pages = [signed_in.get(url).content.decode() for _ in range(2)]
    keys = [re.findall(r'name="idempotency_key" value="([^"]+)"', page) for page in pages]
    assert keys[0], "the unlock form has its key"
    assert len(keys[1]) == len(keys[0])
    assert not set(keys[0]) & set(keys[1])  # each answer its own: a second visit can unlock or ask again
    for key in keys[0]:
        uuid.UUID(key)
    assert "shared-page:" not in pages[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[0])[1]
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = signed_in.cookies
    form = {"idempotency_key": keys[0][0], "csrfmiddlewaretoken": token}
    unlocked = checked.post(f"/lessons/{lesson.slug}/tutor/unlock", form)
    assert unlocked.status_code == 302  # the CSRF check passed with the token from the cached page


def test_the_streak_freeze_key_is_new_on_each_visit_so_a_second_visit_buys_another(signed_in, learner):
    cached(signed_in, "/me/")
    first, second = (re.search(r'name="key" value="([^"]+)"', signed_in.get("/me/").content.decode())[1] for _ in "12")
    assert first != second
    freeze_buy(user=learner, idempotency_key=first)
    freeze_buy(user=learner, idempotency_key=second)
    learner.learner_profile.refresh_from_db()
    assert learner.learner_profile.freezes == 2


def test_staff_pages_are_never_kept(client, lesson):
    client.force_login(StaffUserFactory())
    client.get(lesson.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(lesson.get_absolute_url()).status_code == 200
    assert len(queries) > 0


def test_a_message_is_shown_on_the_page_after_the_post_and_then_gone(signed_in):
    cached(signed_in, "/me/")
    after = signed_in.post("/me/goal", {"goal": "50"}, follow=True)
    assert after.redirect_chain[-1][0] == "/me/"
    assert "Your daily goal is 50 XP." in visible_text(after.content, main_only=False)
    assert "Your daily goal is" not in visible_text(cached(signed_in, "/me/"), main_only=False)


def test_a_cache_outage_renders_the_learners_pages_without_it(signed_in, lesson, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("the cache is away")

    for operation in ("get", "set", "add", "delete_many", "get_many"):
        monkeypatch.setattr(cache, operation, down)
    for page in PAGES:
        assert signed_in.get(url_of(page, lesson)).status_code == 200, page


# --- Each change shows on the next page -------------------------------------------------------------------------


def test_the_learners_own_post_shows_on_the_next_page(signed_in, lesson):
    url = lesson.get_absolute_url()
    cached(signed_in, url)
    assert signed_in.post(f"/lessons/{lesson.slug}/started").status_code == 201
    assert "data-watched-mark hidden" not in signed_in.get(url).content.decode().split('id="tutor"')[0]


@pytest.mark.parametrize("page", PAGES)
def test_credits_granted_outside_any_request_show_on_every_page(signed_in, learner, lesson, page):
    """A webhook's or an admin's grant: the ledger's one-statement write on PostgreSQL, the ORM's on SQLite."""
    url = url_of(page, lesson)
    cached(signed_in, url)
    credits_grant(user=learner, amount=25, kind="purchase", reason="Pack bought", idempotency_key=f"test:{page}")
    assert balance(shown(signed_in, url)) == 125


def test_credits_granted_inside_a_transaction_drop_the_page_at_once(signed_in, learner):
    """The drop at commit is tested with a real commit below; here the drop the write makes at once."""
    cached(signed_in, "/credits/")
    before = learner_version(learner.pk)
    with transaction.atomic():
        credits_grant(user=learner, amount=5, kind="purchase", reason="Inside", idempotency_key="test:inside")
        assert learner_version(learner.pk) != before  # a reader during the transaction gets a new version
        assert balance(shown(signed_in, "/credits/")) == 105
    assert balance(shown(signed_in, "/credits/")) == 105


def test_an_explanation_the_worker_writes_shows_on_the_unlockers_page(signed_in, learner, lesson, settings):
    settings.TUTOR_BACKEND = QUICK
    url = lesson.get_absolute_url()
    signed_in.post(f"/lessons/{lesson.slug}/tutor/unlock", {"idempotency_key": str(uuid.uuid4())})
    shown(signed_in, url)  # with the message "Unlocked: …", which is shown once and never kept
    assert "Queued." in visible_text(cached(signed_in, url))
    explanation = lesson.explanations.get()
    tutor.explanation_write(explanation_id=explanation.pk, claimant="test", final_attempt=True)
    html = shown(signed_in, url)
    assert "Queued." not in visible_text(html)
    assert balance(html) == 70  # the hold was captured by the worker


def test_a_password_change_ends_the_old_sessions_cached_pages(signed_in, learner, lesson):
    url = lesson.get_absolute_url()
    cached(signed_in, url)
    learner.set_password("a new long password 42")
    learner.save()
    text = visible_text(shown(signed_in, url), main_only=False)  # Django signs the old session out, as ever
    assert "Sign in" in text
    assert learner.email not in text


def test_a_catalog_change_shows_on_the_learners_lesson_page(signed_in, lesson):
    url = lesson.get_absolute_url()
    cached(signed_in, url)
    lesson.title = "Attention, retitled"
    lesson.save()
    assert "Attention, retitled" in visible_text(shown(signed_in, url))


# --- The learner's version ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_inside_a_transaction_drops_the_version_at_once_again_at_commit_and_a_rollback_keeps_it(
    monkeypatch,
):
    import core.learner_pages

    user_id = UserFactory().pk
    drops = []
    real_drop = core.learner_pages._versions_drop
    monkeypatch.setattr(core.learner_pages, "_versions_drop", lambda ids: drops.append(set(ids)) or real_drop(ids))
    before = learner_version(user_id)
    with transaction.atomic():
        learner_changed(user_id)
        assert learner_version(user_id) != before
        learner_changed(user_id)
        during = learner_version(user_id)  # a reader before the commit makes a new version, and may keep old rows
        assert drops == [{user_id}, {user_id}]
    assert drops[2:] == [{user_id}]  # one drop at commit for the whole transaction
    assert learner_version(user_id) != during
    with transaction.atomic():
        learner_changed(user_id)
        transaction.set_rollback(True)
    assert len(drops) == 4  # the change at once; nothing at a commit that never came

"""The tutor block on the lesson page: unlock with a confirm step, live status by htmx polling, returned credits,
rating and reporting — read as the learner sees the page."""

import re
import uuid

import pytest

from credits.models import Hold
from credits.selectors import wallet_summary
from tests.factories import LearnerWithCreditsFactory, LessonFactory, StaffUserFactory, UserFactory
from tests.lessons.html import visible_links, visible_text
from tests.tutor.conftest import REFUSES
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Rating, Report

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _quick(quick_backend, monkeypatch):
    # The page's own requests never reach a broker here; the tests run the worker's service themselves.
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


def signed_in(client, user):
    client.force_login(user)
    return user


def lesson_page(client, lesson):
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    return response


def tutor_section(response) -> str:
    match = re.search(r'<section id="tutor".*?</section>', response.content.decode(), flags=re.DOTALL)
    assert match, "no tutor block on the page"
    return match.group(0)


def unlock_key(response) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "no unlock form on the page"
    return match.group(1)


def post_unlock(client, lesson, key=None, **extra):
    key = key or str(uuid.uuid4())
    return client.post(f"/lessons/{lesson.slug}/tutor/unlock", {"idempotency_key": key}, **extra)


def status(client, lesson):
    response = client.get(f"/lessons/{lesson.slug}/tutor/status", **HTMX)
    assert response.status_code == 200
    return response


def polls(response) -> bool:
    html = response.content.decode()
    return 'hx-trigger="every 1s"' in html and "/tutor/status" in html


def run_worker(lesson):
    explanation = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    return services.explanation_write(explanation_id=explanation.pk, claimant="test-task", final_attempt=True)


# --- Before unlocking ----------------------------------------------------------------------------------------------


def test_a_visitor_is_asked_to_sign_in_and_sees_no_unlock_form(client, lesson):
    response = lesson_page(client, lesson)
    text = visible_text(response.content)
    assert "Sign in to unlock AI tutor explanation · ⚡30" in text
    block = visible_text(tutor_section(response), main_only=False)
    assert "#}" not in block
    assert "{%" not in block
    assert "idempotency_key" not in response.content.decode()


def test_a_learner_sees_the_price_and_the_balance_after_unlocking_before_confirming(client, lesson):
    signed_in(client, LearnerWithCreditsFactory(credits=75))
    response = lesson_page(client, lesson)
    html = response.content.decode()
    text = visible_text(response.content)
    assert "Unlock AI tutor explanation · ⚡30" in text
    assert "You have ⚡75 available; you'll have ⚡45 after unlocking." in text
    assert "Confirm: unlock for ⚡30" in text
    assert f'action="/lessons/{lesson.slug}/tutor/unlock"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    uuid.UUID(unlock_key(response))  # a fresh UUID, made when the page rendered


def test_each_page_view_carries_its_own_idempotency_key(client, lesson):
    signed_in(client, UserFactory(signup_bonus=True))
    assert unlock_key(lesson_page(client, lesson)) != unlock_key(lesson_page(client, lesson))


def test_a_learner_short_of_credits_gets_a_disabled_button_and_ways_to_get_more(client):
    signed_in(client, LearnerWithCreditsFactory(credits=60))
    lesson = LessonFactory(unlock_price=75)
    response = lesson_page(client, lesson)
    html = response.content.decode()
    assert re.search(r"<button[^>]*disabled[^>]*>Unlock AI tutor explanation · ⚡75</button>", html)
    assert "Not enough credits: ⚡60 available, ⚡75 needed." in visible_text(response.content)
    hrefs = {link.text: link.href for link in visible_links(response.content)}
    assert hrefs["Buy ⚡"] == "/credits/packs/"
    assert hrefs["earn ⚡ by completing lessons"] == "/me/"
    assert "idempotency_key" not in html


# --- Unlocking and watching it arrive ------------------------------------------------------------------------------


def test_unlocking_without_javascript_redirects_back_to_the_block_which_then_polls(client, lesson):
    user = signed_in(client, UserFactory(signup_bonus=True))
    key = unlock_key(lesson_page(client, lesson))
    response = post_unlock(client, lesson, key)
    assert response.status_code == 302
    assert response["Location"] == f"{lesson.get_absolute_url()}#tutor"

    page = client.get(response["Location"].split("#")[0])
    text = visible_text(page.content, main_only=False)
    assert "Unlocked: ⚡30 are held until the explanation is ready." in text
    assert "Queued." in text
    assert polls(page)
    assert wallet_summary(user=user).available == 30  # 60 welcome bonus − 30 held


def test_a_double_submit_of_the_same_form_holds_the_price_once(client, lesson):
    user = signed_in(client, UserFactory(signup_bonus=True))
    key = unlock_key(lesson_page(client, lesson))
    post_unlock(client, lesson, key, **HTMX)
    post_unlock(client, lesson, key, **HTMX)
    assert Hold.objects.filter(wallet__user=user).count() == 1
    assert wallet_summary(user=user).available == 30


def test_with_htmx_the_block_follows_the_explanation_from_queued_to_ready_and_stops_polling(client, lesson):
    user = signed_in(client, LearnerWithCreditsFactory(credits=100))

    response = post_unlock(client, lesson, **HTMX)
    assert response.status_code == 200
    assert 'id="tutor-panel"' in response.content.decode()
    assert "Queued." in visible_text(response.content, main_only=False)
    assert polls(response)

    assert run_worker(lesson) == services.WRITTEN
    ready = status(client, lesson)
    text = visible_text(ready.content, main_only=False)
    assert not polls(ready)
    assert "AI tutor explanation" in text
    assert "Written by test-model-1 · version 1" in text
    assert "Chapter by chapter" in text
    # The header's balance follows without a reload (an out-of-band swap): 100 − 30.
    assert re.search(r'hx-swap-oob="innerHTML:\[data-balance\]">70<', ready.content.decode())
    assert wallet_summary(user=user).balance == 70


def test_while_it_is_written_the_text_so_far_shows(client, lesson):
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    explanation = Explanation.objects.get()
    token = services.explanation_claim(explanation_id=explanation.pk, claimant="test-task")
    Explanation.objects.filter(pk=explanation.pk).update(partial_markdown="## Overview\n\nLoops **repeat** a step.")
    assert token

    response = status(client, lesson)
    text = visible_text(response.content, main_only=False)
    assert "Writing…" in text
    assert "Loops repeat a step." in text
    assert "<strong>repeat</strong>" in response.content.decode()
    assert polls(response)


def test_coming_back_later_shows_the_ready_explanation_with_the_study_guide_byline(client, lesson, settings):
    settings.TUTOR_BACKEND = "study_guide"
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    text = visible_text(lesson_page(client, lesson).content)
    assert "Study guide built from this lesson's material · version 1" in text
    assert "Intro" in text
    assert "What loops mean" in text


def unlock_that_fails(client, lesson, settings):
    """A new learner unlocks while the backend refuses; the worker runs: the learner and the block it then shows."""
    settings.TUTOR_BACKEND = REFUSES
    user = signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    return user, status(client, lesson)


def test_a_failed_explanation_says_the_credits_were_returned_and_offers_to_try_again(client, lesson, settings):
    user, response = unlock_that_fails(client, lesson, settings)

    text = visible_text(response.content, main_only=False)
    assert "⚡30 returned — the explanation could not be written." in text
    assert not polls(response)
    assert unlock_key(response)  # the learner may try again
    assert wallet_summary(user=user).available == 60

    statement = visible_text(client.get("/credits/").content)
    assert "⚡30 returned — the explanation could not be written" in statement


def test_after_a_failure_one_tap_on_try_again_places_a_new_hold(client, lesson, settings):
    user, response = unlock_that_fails(client, lesson, settings)
    assert "Try again · ⚡30" in visible_text(response.content, main_only=False)
    assert "Confirm: unlock" not in response.content.decode()  # one tap, no confirm step

    post_unlock(client, lesson, key=unlock_key(response), **HTMX)

    assert wallet_summary(user=user).available == 30
    assert Hold.objects.filter(wallet__user=user, status=Hold.Status.OPEN).count() == 1


def test_posting_an_unlock_without_enough_credits_says_so_and_holds_nothing(client):
    user = signed_in(client, UserFactory(signup_bonus=True))
    lesson = LessonFactory(unlock_price=90)
    response = post_unlock(client, lesson, **HTMX)
    assert "Not enough credits: ⚡60 available, ⚡90 needed." in visible_text(response.content, main_only=False)
    assert not Hold.objects.filter(wallet__user=user).exists()


def test_a_visitor_posting_an_unlock_is_sent_to_sign_in(client, lesson):
    response = post_unlock(client, lesson)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/lessons/{lesson.slug}/"
    assert not Hold.objects.exists()


def test_a_visitor_unlocking_from_the_block_goes_to_the_sign_in_page_not_into_the_block(client, lesson):
    # htmx would swap a redirect's page into the block; HX-Redirect sends the whole page to sign in instead.
    response = post_unlock(client, lesson, **HTMX)
    assert response.headers["HX-Redirect"] == f"/accounts/login/?next=/lessons/{lesson.slug}/"
    assert not Hold.objects.exists()


def test_a_draft_lesson_cannot_be_unlocked_and_staff_previewing_it_are_told_why(client):
    signed_in(client, UserFactory())
    draft = LessonFactory(status="draft")
    assert post_unlock(client, draft).status_code == 404

    signed_in(client, StaffUserFactory())
    text = visible_text(lesson_page(client, draft).content)
    assert "learners can unlock it once this lesson is published" in text
    assert not Hold.objects.exists()


def test_links_the_text_makes_outside_the_lesson_are_not_links_on_the_page(client, lesson):
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    Explanation.objects.filter(lesson=lesson).update(
        markdown="## Overview\n\n[the lesson](https://example.org/articles/x) and [a stranger](https://evil.example/)"
        f" and [watch it]({lesson.external_url}) and [next](/lessons/another/)"
    )
    hrefs = [link.href for link in visible_links(lesson_page(client, lesson).content)]
    assert lesson.external_url in hrefs
    assert "/lessons/another/" in hrefs
    assert "https://evil.example/" not in hrefs


# --- Rating and reporting ------------------------------------------------------------------------------------------


def test_a_learner_who_paid_rates_and_reports_the_explanation(client, lesson):
    user = signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)

    rated = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": "4"}, **HTMX)
    assert "Thanks for rating this explanation." in visible_text(rated.content, main_only=False)
    assert "(you gave it 4 of 5)" in visible_text(rated.content, main_only=False)
    reported = client.post(
        f"/lessons/{lesson.slug}/tutor/report", {"reason": "off_topic", "comment": "Talks about cats."}, **HTMX
    )
    assert "Thanks: our team reads every report." in visible_text(reported.content, main_only=False)

    assert Rating.objects.get(user=user).stars == 4
    report = Report.objects.get(user=user)
    assert (report.reason, report.comment) == ("off_topic", "Talks about cats.")


def test_rating_and_reporting_are_rate_limited_per_learner(client, lesson, time_machine):
    from tutor.services.feedback import RATING_LIMIT, REPORT_LIMIT

    time_machine.move_to("2026-03-10 12:00:00+00:00", tick=False)
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    for stars in range(RATING_LIMIT.times):
        rated = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": str(stars % 5 + 1)}, **HTMX)
        assert "Thanks for rating" in visible_text(rated.content, main_only=False)
    refused = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": "1"}, **HTMX)
    assert "try again in 10 min" in visible_text(refused.content, main_only=False)
    assert Rating.objects.get().stars == (RATING_LIMIT.times - 1) % 5 + 1

    for _ in range(REPORT_LIMIT.times):
        client.post(f"/lessons/{lesson.slug}/tutor/report", {"reason": "wrong", "comment": "x"}, **HTMX)
    refused = client.post(f"/lessons/{lesson.slug}/tutor/report", {"reason": "unclear", "comment": "spam"}, **HTMX)
    assert "try again in" in visible_text(refused.content, main_only=False)
    assert Report.objects.get().comment == "x"

    time_machine.shift(RATING_LIMIT.per_seconds)
    rated = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": "2"}, **HTMX)
    assert "Thanks for rating" in visible_text(rated.content, main_only=False)


def test_a_rating_out_of_range_is_refused(client, lesson):
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    response = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": "9"}, **HTMX)
    assert "Pick from 1 to 5 stars." in visible_text(response.content, main_only=False)
    assert not Rating.objects.exists()


def test_a_learner_who_did_not_unlock_cannot_rate(client, lesson):
    signed_in(client, UserFactory())
    response = client.post(f"/lessons/{lesson.slug}/tutor/rate", {"stars": "5"}, **HTMX)
    assert "Pick from 1 to 5 stars." in visible_text(response.content, main_only=False)
    assert not Rating.objects.exists()


def test_a_report_without_a_reason_is_refused(client, lesson):
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    response = client.post(f"/lessons/{lesson.slug}/tutor/report", {"reason": "boring"}, **HTMX)
    assert "Say what is wrong: wrong, unclear or off topic." in visible_text(response.content, main_only=False)
    assert not Report.objects.exists()


@pytest.mark.parametrize(("action", "data"), [("rate", {"stars": "5"}), ("report", {"reason": "wrong"})])
def test_a_visitor_who_rates_or_reports_is_sent_to_sign_in_and_back(client, lesson, action, data):
    response = client.post(f"/lessons/{lesson.slug}/tutor/{action}", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert lesson.slug in response["Location"]
    assert not Rating.objects.exists()
    assert not Report.objects.exists()


def test_the_status_fragment_of_a_visitor_is_the_sign_in_call(client, lesson):
    response = status(client, lesson)
    assert "Sign in to unlock AI tutor explanation · ⚡30" in visible_text(response.content, main_only=False)
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_lesson_page_with_a_ready_explanation_stays_within_its_query_budget(
    client, lesson, django_assert_max_num_queries
):
    signed_in(client, UserFactory(signup_bonus=True))
    post_unlock(client, lesson)
    run_worker(lesson)
    assert Explanation.objects.get().status == ExplanationStatus.READY
    # The lesson page's budget (tests/lessons/test_query_budgets.py: 9, the skills among them) plus the unlock, the
    # rating, the report and the header's count of due review cards.
    with django_assert_max_num_queries(13):
        lesson_page(client, lesson)

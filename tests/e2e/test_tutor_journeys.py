"""A learner unlocks the seed lesson's AI tutor explanation in a real browser, a real worker writes it, the page
follows it to ready without a reload, and the statement shows the −⚡30."""

import re

import pytest
from playwright.sync_api import expect

from tests.celery_worker import celery_worker_running
from tests.e2e.conftest import sign_in
from tests.factories import LearnerWithCreditsFactory
from tests.lessons.seed import seed_lesson_create
from tests.tutor.conftest import SLOW

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


@pytest.fixture
def slow_worker():
    """A real worker whose backend takes three seconds and streams, so the page has time to show each state."""
    with celery_worker_running(env={"TUTOR_BACKEND": SLOW, "TUTOR_TEST_SLOW_SECONDS": "3"}) as worker:
        yield worker


def test_a_learner_unlocks_the_seed_lesson_and_watches_the_explanation_arrive(page, slow_worker):
    lesson = seed_lesson_create()
    learner = LearnerWithCreditsFactory(credits=100, display_name="Ada")
    sign_in(page, learner.email)

    page.goto(lesson.get_absolute_url())
    tutor = page.locator("#tutor")
    tutor.get_by_text("Unlock AI tutor explanation · ⚡30").click()
    expect(tutor).to_contain_text("You have ⚡100 available; you'll have ⚡70 after unlocking.")
    page.evaluate("window.tutorJourneyMarker = 'same page'")  # gone if the page reloads

    tutor.get_by_role("button", name="Confirm: unlock for ⚡30").click()
    # "Queued." lasts only until the worker claims the job, which on a busy machine can happen before the confirmation's
    # answer is shown: either state proves the page moved on without a reload.
    expect(tutor).to_contain_text(re.compile(r"Queued\.|Writing…"))
    expect(tutor).to_contain_text(re.compile(r"Writing…|Written by"), timeout=30_000)
    expect(tutor.get_by_role("heading", name="Overview")).to_be_visible()  # the text so far, as it is written
    expect(tutor.get_by_role("heading", name="AI tutor explanation")).to_be_visible(timeout=60_000)
    expect(tutor).to_contain_text("Written by slow-model-1 · version 1")
    expect(tutor.get_by_role("heading", name="What to read next")).to_be_visible()
    assert page.evaluate("window.tutorJourneyMarker") == "same page"
    expect(page.locator("header [data-balance]")).to_have_text("70")  # the header followed without a reload
    expect(page.locator("#welcome [data-balance]")).to_have_text("70")  # and so did the welcome's figure

    page.goto("/credits/")
    table = page.get_by_role("table", name="Every credit in and out, newest first")
    spend = table.get_by_role("row").filter(has_text="Unlocked the AI tutor explanation for")
    expect(spend).to_contain_text("−⚡30")
    expect(spend).to_contain_text(lesson.title)


def test_coming_back_later_shows_the_explanation_without_unlocking_again(page, celery_worker):
    lesson = seed_lesson_create()
    learner = LearnerWithCreditsFactory(credits=100)
    sign_in(page, learner.email)
    page.goto(lesson.get_absolute_url())
    page.locator("#tutor").get_by_text("Unlock AI tutor explanation · ⚡30").click()
    page.get_by_role("button", name="Confirm: unlock for ⚡30").click()
    expect(page.get_by_role("heading", name="AI tutor explanation")).to_be_visible(timeout=60_000)

    page.goto("/")
    page.goto(lesson.get_absolute_url())
    tutor = page.locator("#tutor")
    expect(tutor.get_by_role("heading", name="AI tutor explanation")).to_be_visible()
    expect(tutor).to_contain_text("Study guide built from this lesson's material")
    # The seed lesson is its real YouTube video: a chapter opens it at the chapter's second.
    chapter = tutor.get_by_role("link", name="1:17 What “loops” in AI actually mean")
    expect(chapter).to_have_attribute("href", lesson.external_url + "&t=77s")
    expect(page.locator("#tutor").get_by_text("Unlock AI tutor explanation · ⚡30")).to_have_count(0)
    expect(page.locator("header [data-balance]")).to_have_text("70")

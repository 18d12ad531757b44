"""A learner who unlocked the seed lesson asks the tutor about a paper it names, in a real browser: a real worker
answers, the answer appears without a reload with the passage it quotes and a link to that paper's lesson."""

from datetime import date

import pytest
from playwright.sync_api import expect

from demo.material import DEMO_MATERIAL
from tests.e2e.conftest import sign_in
from tests.factories import LearnerWithCreditsFactory, LessonFactory
from tests.lessons.seed import seed_lesson_create

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


def test_a_learner_asks_about_universal_transformers_and_reads_the_answer_live(page, celery_worker):
    lesson = seed_lesson_create()
    LessonFactory(
        slug="universal-transformers",
        title="Universal Transformers",
        kind="paper",
        published_at=date(2018, 7, 10),
        material=DEMO_MATERIAL["universal-transformers"],
    )
    learner = LearnerWithCreditsFactory(credits=100)
    sign_in(page, learner.email)
    page.goto(lesson.get_absolute_url())
    tutor = page.locator("#tutor")
    tutor.get_by_text("Unlock AI tutor explanation · ⚡30").click()
    page.get_by_role("button", name="Confirm: unlock for ⚡30").click()
    expect(tutor.get_by_role("heading", name="AI tutor explanation")).to_be_visible(timeout=60_000)
    expect(tutor.get_by_role("link", name="the lesson Universal Transformers (2018)").first).to_have_attribute(
        "href", "/lessons/universal-transformers/"
    )
    page.evaluate("window.questionJourneyMarker = 'same page'")

    expect(tutor).to_contain_text("3 free questions left with your unlock.")
    tutor.get_by_label("Your question").fill("What is a Universal Transformer?")
    tutor.get_by_role("button", name="Ask the tutor").click()

    answer = tutor.locator(".tutor-answer")
    expect(answer).to_contain_text("A Universal Transformer is a transformer that reuses one block", timeout=60_000)
    expect(answer.get_by_role("link", name="the lesson Universal Transformers (2018)").first).to_be_visible()
    expect(tutor).to_contain_text("2 free questions left with your unlock.")
    assert page.evaluate("window.questionJourneyMarker") == "same page"

"""Honest coverage before paying, in a real browser with a real worker: the seed lesson's coverage line reads
description-only, a learner unlocks it, a transcript is attached, and the same learner then reads the explanation
written again from the transcript, with the "updated" note, without paying a second time."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import LearnerWithCreditsFactory
from tests.lessons.seed import seed_lesson_create
from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION
from tests.tutor.test_coverage import said_in
from tutor.coverage import word_count
from tutor.models import Unlock
from tutor.services import lesson_transcript_attach

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


def test_the_coverage_line_is_honest_and_a_transcript_reaches_who_paid_without_paying_again(page, celery_worker):
    lesson = seed_lesson_create()
    learner = LearnerWithCreditsFactory(credits=100)
    sign_in(page, learner.email)

    page.goto(lesson.get_absolute_url())
    tutor = page.locator("#tutor")
    line = f"The tutor has read: the description ({word_count(SEED_DESCRIPTION)} words) · covers 2 of 11 chapters"
    expect(tutor.locator("[data-tutor-coverage]")).to_have_text(line)
    expect(tutor.get_by_role("button", name="Ask for the transcript (free)")).to_be_visible()

    tutor.get_by_text("Unlock AI tutor explanation · ⚡30").click()
    expect(tutor.locator(".tutor-confirm-coverage")).to_have_text(f"{line}.")  # said again before confirming
    tutor.get_by_role("button", name="Confirm: unlock for ⚡30").click()
    expect(tutor.get_by_role("heading", name="AI tutor explanation")).to_be_visible(timeout=60_000)
    expect(tutor).to_contain_text("· version 1")
    expect(page.locator("header [data-balance]")).to_have_text("70")

    # A curator attaches the video's transcript; the worker writes the explanation again for who paid.
    lesson_transcript_attach(lesson=lesson, raw=said_in([start for start, _title in SEED_CHAPTERS]))
    deadline = time.monotonic() + 90
    while Unlock.objects.get(user=learner).explanation.version < 2:
        assert time.monotonic() < deadline, "the explanation was not written again from the transcript"
        time.sleep(0.5)

    page.reload()
    expect(tutor).to_contain_text("· version 2")
    expect(tutor.locator(".tutor-updated")).to_contain_text("Updated: now from the full transcript")
    expect(tutor.get_by_text("Unlock AI tutor explanation")).to_have_count(0)
    expect(page.locator("header [data-balance]")).to_have_text("70")  # not charged again

    page.goto("/credits/")
    table = page.get_by_role("table", name="Every credit in and out, newest first")
    expect(table.get_by_role("row").filter(has_text="Unlocked the AI tutor explanation for")).to_have_count(1)

    # Anyone else now reads, before paying, that the tutor has the whole transcript.
    page.context.clear_cookies()
    page.goto(lesson.get_absolute_url())
    expect(page.locator("#tutor [data-tutor-coverage]")).to_contain_text("the full transcript (363 words)")
    expect(page.locator("#tutor [data-tutor-coverage]")).to_contain_text("covers 11 of 11 chapters")

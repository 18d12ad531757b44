"""Browser journeys through gamification: a learner answers a lesson's check question, which completes the lesson, sees
the XP toast and the streak, finds the ⚡ reward on the credit statement, and sees the progress on /me/."""

import re

import pytest
from playwright.sync_api import expect

from practice.models import CheckQuestion
from tests.e2e.conftest import sign_in
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.e2e

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


@pytest.fixture
def quiz_lesson():
    """An intermediate lesson (20 XP) with one check question: with the +5 bonus the learner meets the 20-XP goal."""
    lesson = LessonFactory(title="Attention, step by step", slug="attention-step-by-step", level="intermediate")
    question = CheckQuestion.objects.create(lesson=lesson, prompt="What does attention compare?", position=1)
    question.choices.create(
        text="Every token with every other token", is_correct=True, explanation="Queries meet keys of all tokens."
    )
    question.choices.create(text="Only neighbouring words", is_correct=False, explanation="That is a convolution.")
    return lesson


def test_a_learner_completes_a_lesson_sees_the_toast_and_streak_and_finds_the_reward_on_the_statement(
    page, quiz_lesson
):
    page.context.route(OUTSIDE, lambda route: route.fulfill(status=200, body="elsewhere"))
    learner = UserFactory(display_name="Ada", time_zone="Europe/London")
    sign_in(page, learner.email)

    page.goto(f"/lessons/{quiz_lesson.slug}/")
    block = page.locator("#lesson-complete")
    expect(block.get_by_role("heading", name="Quick check")).to_be_visible()  # swapped in by htmx

    block.get_by_label("Every token with every other token").check()
    block.get_by_role("button", name="Check answer").click()
    expect(block.get_by_text("✓ Right at the first try.")).to_be_visible()

    # Its only question right: the lesson completes with the answer, its XP and the bonus together.
    toasts = page.locator("#toasts")
    expect(toasts.get_by_text("+25 XP")).to_be_visible()
    expect(toasts.get_by_text("⚡5 earned")).to_be_visible()
    expect(toasts.get_by_text("🔥 1-day streak")).to_be_visible()
    expect(block.get_by_text("1-day streak")).to_be_visible()
    expect(block.get_by_text("✓ Completed")).to_be_visible()

    page.goto("/credits/")
    reward = page.locator("tr", has_text="Lesson completed: Attention, step by step")
    expect(reward).to_be_visible()
    expect(reward).to_contain_text("5")

    page.goto("/me/")
    expect(page.get_by_role("heading", name="1-day streak")).to_be_visible()
    expect(page.locator(".level-line")).to_have_text("Level 1 · 25 XP in all")
    expect(page.locator(".badge.is-earned", has_text="First steps")).to_contain_text("Earned")


def test_marking_a_lesson_done_too_soon_says_how_long_to_go_and_counts_down(page):
    lesson = LessonFactory(title="A long read", slug="a-long-read", duration_seconds=40 * 60)
    learner = UserFactory()
    sign_in(page, learner.email)

    page.goto(f"/lessons/{lesson.slug}/")
    block = page.locator("#lesson-complete")
    expect(block.get_by_text(re.compile(r"You can mark it done in \d+ min"))).to_be_visible()

    block.get_by_role("button", name=re.compile("Mark as done")).click()
    expect(block.get_by_role("alert")).to_have_text(
        re.compile(r"Too soon to mark “A long read” as done: keep it open for another (9 min 5\d s|10 min)\.")
    )
    expect(page.locator("#toasts .toast")).to_have_count(0)

"""Browser journey through spaced review: a learner's check answers become cards, the wrong one comes back within
minutes, /review/ serves it, a right answer sends it a day or more ahead, the lesson's skill's mastery rises on /me/
and the header's due count falls; a week later (time-machine) mastery has decayed and cards are due again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lessons.models import LessonSkill, Skill
from practice.models import CheckQuestion, ReviewCard
from tests.e2e.conftest import sign_in
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.e2e

OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
QUESTIONS = [
    ("What does attention compare?", "Every token with every other token", "Only neighbouring words", 95),
    ("What scales attention's scores?", "The square root of the key size", "The batch size", 250),
    ("What do the heads of multi-head attention learn?", "Different relations", "The same relation", 410),
]


@pytest.fixture
def lesson():
    lesson = LessonFactory(
        title="Attention, step by step",
        slug="attention-step-by-step",
        kind="youtube",
        external_url="https://www.youtube.com/watch?v=attention1",
        level="intermediate",
    )
    skill = Skill.objects.create(name="Transformers", slug="transformers", description="How transformers work.")
    LessonSkill.objects.create(lesson=lesson, skill=skill, weight=90)
    for position, (prompt, right, wrong, start) in enumerate(QUESTIONS):
        question = CheckQuestion.objects.create(
            lesson=lesson,
            prompt=prompt,
            position=position,
            passage=f"The lecture explains it at this point: {right.lower()}.",
            start_seconds=start,
            explanation=f"{right} is what the lecture shows.",
        )
        question.choices.create(text=right, is_correct=True, position=1)
        question.choices.create(text=wrong, is_correct=False, position=2)
    return lesson


def mastery(page) -> int:
    page.goto("/me/")
    value = page.locator('[data-skill-mastery="transformers"]')
    expect(value).to_be_visible()
    return int(value.text_content() or "")


def header_due(page):
    return page.locator("header [data-review-due]")


def test_a_wrong_answer_comes_back_is_reviewed_right_and_mastery_rises_then_decays(page, lesson, settings):
    # The clock jumps a week here while the cache's own expiry runs on real time: a learner's kept /me/ would outlive
    # the jump, so pages are rendered afresh (what the cache keeps is tested in tests/practice/test_review_pages.py).
    settings.LEARNER_PAGE_SECONDS = 0
    page.context.route(OUTSIDE, lambda route: route.fulfill(status=200, body="elsewhere"))
    learner = UserFactory(display_name="Ada", time_zone="Europe/London")
    sign_in(page, learner.email)
    # The lesson's check questions, answered on the lesson page: two right, the last one wrong.
    page.goto(f"/lessons/{lesson.slug}/")
    block = page.locator("#lesson-complete")
    expect(block.get_by_role("heading", name="Quick check")).to_be_visible()  # swapped in by htmx
    for index, (prompt, right, wrong_choice, _start) in enumerate(QUESTIONS):
        form = block.locator("form", has_text=prompt)
        form.get_by_label(right if index < 2 else wrong_choice).check()
        form.get_by_role("button", name="Check answer").click()
        expect(block.get_by_text("✓ Right at the first try.")).to_have_count(min(index + 1, 2))
    expect(block.get_by_text("✗ Not quite.")).to_be_visible()
    expect(block.get_by_text(f"The right answer: {QUESTIONS[2][1]}.")).to_be_visible()
    start = timezone.now()
    wrong = ReviewCard.objects.get(user=learner, question__prompt=QUESTIONS[2][0])
    assert wrong.due <= start + timedelta(minutes=10)  # due again within minutes

    assert ReviewCard.objects.filter(user=learner, kind="check").count() == 3

    with time_machine.travel(wrong.due + timedelta(seconds=30), tick=True):
        before = mastery(page)
        assert 0 < before < 100
        expect(header_due(page)).to_have_text("1")
        expect(page.get_by_text("1 card due now.")).to_be_visible()

        page.get_by_role("link", name=re.compile("review cards")).click()
        expect(page).to_have_url(re.compile(r"/review/$"))
        card = page.locator("#review-card")
        expect(card.get_by_text("1 of 1")).to_be_visible()
        expect(card.get_by_text(QUESTIONS[2][0])).to_be_visible()
        card.get_by_label(QUESTIONS[2][1]).check()
        card.get_by_role("button", name="Check answer").click()  # quick and right: easy

        expect(card.get_by_text("✓ Right.")).to_be_visible()
        expect(card.get_by_text("The lecture explains it at this point")).to_be_visible()
        moment = card.get_by_role("link", name=re.compile("At 6:50 in the lesson"))
        expect(moment).to_have_attribute("href", re.compile(r"t=410"))
        expect(card.get_by_text(re.compile(r"Next review: in \d+ days?"))).to_be_visible()
        expect(header_due(page)).to_have_text("0")  # swapped in by htmx
        reviewed = ReviewCard.objects.get(pk=wrong.pk)
        assert reviewed.due >= timezone.now() + timedelta(hours=23)

        card.get_by_role("link", name="Done").click()
        expect(page.get_by_role("heading", name="Nothing due right now")).to_be_visible()
        after = mastery(page)
        assert after > before
        expect(header_due(page)).to_have_text("0")

    with time_machine.travel(wrong.due + timedelta(days=7), tick=True):
        page.goto("/me/")
        a_week_later = mastery(page)
        assert a_week_later < after
        expect(header_due(page)).not_to_have_text("0")
        page.goto("/review/")
        expect(page.locator("#review-card").get_by_text(re.compile(r"1 of \d+"))).to_be_visible()

"""A newcomer's first session, in a real browser with a real worker: the welcome, the header's ⚡ following every live
change, the tutor's questions, a badge the moment it is earned, /me/'s "where you left off", the phone layout, and a
curator previewing an incoming item before publishing it (issue: the newcomer's walk)."""

import re

import pytest
from playwright.sync_api import expect

from demo.sources import demo_feeds_attach
from lessons.models import Lesson, Source
from practice.models import CheckQuestion, QuestionStatus
from tests.celery_worker import celery_worker_running, wait_for
from tests.e2e.conftest import sign_in
from tests.factories import CheckQuestionFactory, LessonFactory, PublishedLessonFactory, StaffUserFactory, UserFactory
from tests.lessons.seed import seed_lesson_create

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

PHONE = {"width": 390, "height": 844}


def header_balance(page):
    return page.locator("header [data-balance]")


def test_a_newcomer_unlocks_asks_earns_and_finds_their_way_back(page, celery_worker, browser, live_server):
    lesson = seed_lesson_create()
    hand = CheckQuestionFactory(lesson=lesson)  # a curator's, answers "wrong" and "right"
    wait_for(
        lambda: CheckQuestion.objects.filter(lesson=lesson).exclude(pk=hand.pk).count() >= 3,
        worker=celery_worker,
        what="the worker's questions from the seed lesson's material",
    )
    other = PublishedLessonFactory(title="Scaling laws, explained")
    learner = UserFactory(display_name="Ada", signup_bonus=True)  # a verified address: the ⚡60 welcome bonus
    sign_in(page, learner.email)

    # The welcome says what the ⚡60 are for, and goes away for good when closed.
    welcome = page.locator("#welcome")
    expect(welcome).to_contain_text("You have ⚡60 to spend. Your welcome bonus of ⚡60 has been paid in.")
    welcome.get_by_role("button", name="Got it").click()
    expect(welcome).to_have_count(0)

    # Item 1: while the unlock is held the header shows what is left to spend, without a reload.
    page.goto(lesson.get_absolute_url())
    expect(header_balance(page)).to_have_text("60")
    tutor = page.locator("#tutor")
    tutor.get_by_text("Unlock AI tutor explanation · ⚡30").click()
    tutor.get_by_role("button", name="Confirm: unlock for ⚡30").click()
    expect(header_balance(page)).to_have_text("30")
    expect(tutor.get_by_role("heading", name="AI tutor explanation")).to_be_visible(timeout=60_000)
    expect(header_balance(page)).to_have_text("30")

    # Item 5: a not-covered answer gives its free question back at once; the list numbers its questions itself.
    tutor.get_by_label("Your question").fill("What is the recipe for sourdough bread?")
    tutor.get_by_role("button", name="Ask the tutor").click()
    expect(tutor).to_contain_text("2 free questions left with your unlock.")
    expect(tutor.locator(".tutor-question").first).to_have_attribute("data-question-status", "ready", timeout=60_000)
    expect(tutor).to_contain_text("3 free questions left with your unlock.")
    tutor.get_by_label("Your question").fill("What loops does the episode talk about?")
    tutor.get_by_role("button", name="Ask the tutor").click()
    expect(tutor.locator(".tutor-question")).to_have_count(2)
    expect(tutor.locator(".tutor-question").first).to_have_attribute("data-question-status", "ready", timeout=60_000)
    numbers = page.eval_on_selector_all(".tutor-question-list > li", "items => items.map(item => item.value)")
    assert numbers == [2, 1]

    # Item 5: "Answer again" never resends the choice already marked; item 1: the reward reaches the header live.
    # The worker made the lesson's questions from its material when it was published, beside the curator's one: the
    # learner answers every live one right, the curator's last.
    check = page.locator("#lesson-complete")
    live = CheckQuestion.objects.filter(lesson=lesson, status=QuestionStatus.LIVE).exclude(pk=hand.pk)
    for question in [*live, hand]:
        form = check.locator("form", has_text=question.prompt)
        form.get_by_label(question.choices.get(is_correct=True).text, exact=True).check()
        form.get_by_role("button", name="Check answer").click()
        expect(check.locator("form", has_text=question.prompt)).to_contain_text("Right at the first try.")
    form = check.locator("form", has_text=hand.prompt)
    # Every question right: the lesson completes with the last answer.
    toast = page.locator("#toasts").get_by_text(re.compile(r"^⚡\d+ earned$"))
    expect(toast).to_be_visible()
    expect(check).to_contain_text("✓ Completed")
    assert not form.get_by_label("right").is_checked()
    form.get_by_role("button", name="Answer again").click()  # nothing picked: the browser asks for a choice
    expect(form).to_contain_text("Right at the first try.")
    earned = int(re.search(r"⚡(\d+)", toast.inner_text())[1])
    expect(header_balance(page)).to_have_text(str(30 + earned))

    # Item 3: /me/ says where the learner left off; item 4: "Curious mind" is there since the unlock was charged.
    page.goto(other.get_absolute_url())  # opened, not finished
    page.wait_for_load_state("networkidle")
    page.goto("/me/")
    where = page.locator(".where-was-i")
    expect(where.get_by_role("link", name="Scaling laws, explained")).to_have_attribute(
        "href", other.get_absolute_url()
    )
    expect(where.get_by_role("link", name=lesson.title)).to_have_attribute("href", f"{lesson.get_absolute_url()}#tutor")
    expect(where).to_contain_text("2 questions asked")
    expect(page.locator(".badge", has_text="Curious mind")).to_contain_text("Earned")

    # Item 7: on a phone the header keeps to two rows, the catalog folds its filters, /me/ opens its year on today.
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url, storage_state=page.context.storage_state())
    small = phone.new_page()
    small.goto("/lessons/")
    assert small.locator(".site-header").bounding_box()["height"] < 120
    filters = small.locator("details.filter-more")
    expect(filters).not_to_have_attribute("open", "")
    expect(small.get_by_label("Level")).to_be_hidden()
    filters.locator("summary", has_text="Filters").click()
    expect(small.get_by_label("Level")).to_be_visible()
    expect(small.get_by_label("Search")).to_be_visible()
    small.goto("/me/")
    heatmap = small.locator(".heatmap")
    scrolled = heatmap.evaluate("el => el.scrollWidth - el.clientWidth - el.scrollLeft")
    assert heatmap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scrolled <= 1  # today, at the right end, is in view
    chart = small.locator(".xp-chart-svg")
    last_label = chart.locator("text.axis-label").last
    assert last_label.bounding_box()["x"] + last_label.bounding_box()["width"] <= (
        chart.bounding_box()["x"] + chart.bounding_box()["width"] + 0.5
    )
    phone.close()


def test_a_curator_previews_an_incoming_item_from_the_admin(page):
    incoming = LessonFactory(status=Lesson.Status.INCOMING, title="A paper a feed brought in")
    staff = StaffUserFactory()
    sign_in(page, staff.email)

    page.goto(f"/admin/lessons/lesson/{incoming.pk}/change/")
    page.get_by_role("link", name=re.compile(r"View on site")).first.click()

    expect(page.get_by_role("heading", name="A paper a feed brought in")).to_be_visible()
    expect(page.locator(".preview-banner")).to_contain_text("Not published")


def test_a_curator_polls_the_demo_s_own_feed_from_the_admin_and_the_queue_fills(page, settings, live_server):
    settings.DEBUG, settings.DEMO_FEEDS, settings.SITE_URL = True, True, live_server.url
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    demo_feeds_attach(sources={})
    source = Source.objects.get(feed_url=f"{live_server.url}/demo/feeds/arxiv-demo.xml")
    env = {"DJANGO_DEBUG": "1", "DEMO_FEEDS": "1", "SITE_URL": live_server.url, "INGEST_ALLOW_PRIVATE_ADDRESSES": "0"}
    with celery_worker_running(env=env):
        sign_in(page, StaffUserFactory().email)
        page.goto("/admin/lessons/source/")
        page.locator(f'input[name="_selected_action"][value="{source.pk}"]').check()
        page.get_by_role("combobox", name="Action").select_option(label="Poll now (in the background)")
        page.get_by_role("button", name="Go").click()

        for _ in range(60):
            page.goto("/admin/ingest/incominglesson/")
            if page.get_by_role("link", name="LoRA: Low-Rank Adaptation of Large Language Models").count():
                break
            page.wait_for_timeout(1000)
    expect(page.get_by_role("link", name="LoRA: Low-Rank Adaptation of Large Language Models")).to_be_visible()

"""Browser journeys through the catalog: the seed lesson as a visitor sees it, "saves to browser" kept across
sign-in, an admin importing the seed lesson, and a learner enrolling and resuming a course."""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson, LessonProgress
from lessons.services import lesson_progress_complete
from tests import seed
from tests.e2e.conftest import sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    CategoryFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.lessons.seed import seed_lesson_create

pytestmark = pytest.mark.e2e

# The machine has no network: answer every outside link the lessons point at with a stand-in page.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


@pytest.fixture
def outside_world(page):
    opened: list[str] = []

    def answer(route):
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Elsewhere</title><p>The work itself.</p>")

    page.context.route(OUTSIDE, answer)
    return opened


def test_a_visitor_sees_every_element_of_the_seed_lesson(page):
    lesson = seed_lesson_create()
    page.goto(lesson.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    meta = page.locator(".lesson-header .lesson-meta")
    for text in ("The MAD Podcast with Matt Turck", "Beginner", "📄 Research Papers Explained", "1mo ago"):
        expect(meta).to_contain_text(text)
    expect(page.get_by_text("Are we truly on the verge of AI automating its own research")).to_be_visible()
    links = page.locator(".description-links")  # the description's links, listed
    expect(links.get_by_role("link", name="Mostafa Dehghani LinkedIn")).to_have_attribute(
        "href", "https://www.linkedin.com/in/dehghani-mostafa"
    )
    expect(links.locator("li")).to_have_count(11)
    expect(page.get_by_role("link", name="Watch on YouTube")).to_be_visible()
    expect(page.get_by_text("(saves to browser)")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in to unlock AI tutor explanation · ⚡30")).to_be_visible()
    expect(page.get_by_role("heading", name="Chapters (11)")).to_be_visible()
    chapters = page.locator(".chapter-list li")
    expect(chapters).to_have_count(11)
    expect(chapters.first).to_have_text(re.compile(r"0:00\s+Intro"))
    expect(chapters.nth(1)).to_have_text(re.compile(r"1:17\s+What “loops” in AI actually mean"))
    expect(chapters.last).to_have_text(re.compile(r"20:57\s+Could top AI rese"))
    expect(page.get_by_role("heading", name="Related AI Lessons")).to_be_visible()
    related = page.locator(".related-item")
    expect(related).to_have_count(4)
    expect(related.first).to_contain_text("The ABCs of reading medical research and review papers these days")
    expect(related.first).to_contain_text("Learn to critically evaluate medical research papers")
    expect(related.first).to_contain_text("Medium · LLM")
    expect(related.last).to_contain_text("ArXiv cs.AI")
    up_next = page.locator(".up-next")
    expect(up_next.get_by_role("heading", name="Up next")).to_be_visible()
    expect(up_next).to_contain_text("Microsoft Research Forum | Season 2, Episode 4")
    expect(up_next).to_contain_text("Microsoft Research")
    expect(up_next).to_contain_text(seed.SEED_LESSON.up_next_why)
    expect(up_next.get_by_role("link", name=re.compile(r"^Watch .*→$"))).to_be_visible()
    expect(page.locator(".lesson-header [data-watched-mark]")).to_be_hidden()


def test_a_chapter_opened_as_a_visitor_is_marked_watched_and_kept_after_signing_in(page, outside_world):
    lesson = seed_lesson_create()
    learner = UserFactory()
    page.goto(lesson.get_absolute_url())

    with page.expect_popup() as popup:
        page.get_by_role("link", name=re.compile("What “loops” in AI actually mean")).click()
    popup.value.close()
    assert outside_world == [lesson.external_url + "&t=77s"]  # the real video, opened at the chapter's second
    mark = page.locator(".lesson-header [data-watched-mark]")
    expect(mark).to_be_visible()

    page.reload()
    expect(mark).to_be_visible()
    expect(mark).to_have_text("Watched")
    stored = page.evaluate("JSON.parse(localStorage.getItem('learn:watched'))")
    assert list(stored) == [lesson.slug]
    assert not LessonProgress.objects.exists()  # a visitor's progress stays in the browser

    page.get_by_role("link", name="Sign in to unlock AI tutor explanation · ⚡30").click()
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(lesson.get_absolute_url()) + "$"))
    expect(page.locator("html")).to_have_attribute("data-progress-merged", "1")  # the script merged one lesson

    progress = LessonProgress.objects.get(user=learner)
    assert (progress.lesson_id, progress.source) == (lesson.pk, "browser")
    assert page.evaluate("localStorage.getItem('learn:watched')") is None
    page.reload()  # now drawn by the server from the account, not from the browser's store
    expect(mark).to_be_visible()


def test_a_signed_in_learners_start_goes_straight_to_the_account(page, outside_world):
    lesson = LessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc123", title="A video")
    learner = UserFactory()
    sign_in(page, learner.email)
    page.goto(lesson.get_absolute_url())
    with page.expect_response(re.compile(r"/lessons/[^/]+/started$")) as started, page.expect_popup() as popup:
        page.get_by_role("link", name="Watch on YouTube").click()
    popup.value.close()
    assert started.value.status == 201
    expect(page.locator(".lesson-header [data-watched-mark]")).to_be_visible()
    assert LessonProgress.objects.filter(user=learner, lesson=lesson, source="server").exists()
    assert page.evaluate("localStorage.getItem('learn:watched')") is None


def test_an_admin_imports_the_seed_lesson_and_gets_its_eleven_chapters(page, celery_eager):
    curator = StaffUserFactory()
    CategoryFactory(name="Research Papers Explained")
    sign_in(page, curator.email)
    page.goto("/admin/lessons/lesson/")
    page.get_by_role("link", name="Import a lesson").click()
    page.get_by_label("URL").fill(seed.SEED_LESSON.external_url)
    page.get_by_label("Description").fill(seed.SEED_DESCRIPTION)
    page.get_by_label("Title").fill(seed.SEED_LESSON.title)
    page.get_by_label("Category").select_option(label="📄 Research Papers Explained")
    page.get_by_role("button", name="Import").click()

    expect(page.locator(".messagelist")).to_contain_text(f"Imported “{seed.SEED_LESSON.title}” with 11 chapters")
    titles = page.locator("input[name^='chapters-'][name$='-title']:not([name*='__prefix__'])")
    expect(titles).to_have_count(11)
    expect(titles.first).to_have_value("Intro")
    expect(titles.last).to_have_value("Could top AI rese")
    lesson = Lesson.objects.get(title=seed.SEED_LESSON.title)
    assert (lesson.status, lesson.kind, lesson.chapters.count()) == ("draft", "youtube", 11)

    with page.expect_popup() as preview:
        page.get_by_role("link", name="View on site ↗").click()
    expect(
        preview.value.get_by_text(
            "Not published (draft): a preview for staff; learners cannot see this page until it is published."
        )
    ).to_be_visible()
    expect(preview.value.get_by_role("heading", name="Chapters (11)")).to_be_visible()


def test_a_learner_enrols_in_a_course_and_resumes_where_they_stopped(page):
    course = CourseFactory(title="Transformers from the Ground Up", slug="transformers")
    lessons = [LessonFactory(title=title) for title in ("Word vectors", "Attention", "BERT")]
    for position, lesson in enumerate(lessons, start=1):
        CourseLessonFactory(course=course, lesson=lesson, position=position)
    learner = UserFactory()

    page.goto("/courses/transformers/")
    page.get_by_role("link", name="Sign in to enrol").click()
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page).to_have_url(re.compile(r"/courses/transformers/$"))

    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled in “Transformers from the Ground Up”.")).to_be_visible()
    expect(page.get_by_text("0 of 3 lessons completed")).to_be_visible()

    lesson_progress_complete(user=learner, lesson=lessons[0])
    page.reload()
    expect(page.get_by_text("1 of 3 lessons completed")).to_be_visible()
    page.get_by_role("link", name="Resume").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attention")
    expect(page.get_by_text("Transformers from the Ground Up · lesson 2 of 3")).to_be_visible()
    up_next = page.locator(".up-next")
    expect(up_next).to_contain_text("BERT")
    expect(up_next).to_contain_text("Next in “Transformers from the Ground Up”: lesson 3 of 3.")

    page.goto("/my/courses/")
    expect(page.get_by_role("heading", name="Transformers from the Ground Up")).to_be_visible()
    expect(page.get_by_text("1 of 3 lessons completed")).to_be_visible()


def test_the_lesson_page_stacks_on_a_phone_and_is_usable_by_keyboard(page):
    lesson = seed_lesson_create()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(lesson.get_absolute_url())
    main = page.locator(".lesson-main").bounding_box()
    aside = page.locator(".lesson-aside").bounding_box()
    assert aside["y"] >= main["y"] + main["height"] - 1  # the aside goes below, not beside
    assert main["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing overflows sideways

    watch = page.get_by_role("link", name="Watch on YouTube")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.lessonStart !== undefined"):
            break
    expect(watch).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_on_a_phone_the_chapters_are_one_tap_away_from_the_top_of_the_description(page):
    lesson = seed_lesson_create()
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(lesson.get_absolute_url())
    jump = page.get_by_role("link", name=re.compile(r"^Chapters \(11\)"))
    box = jump.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 700  # in the first screen, above the description
    assert box["height"] >= 24  # a target a thumb can hit
    heading = page.get_by_role("heading", name="Chapters (11)")
    assert heading.bounding_box()["y"] > 700  # the description pushes the chapters below the first screen

    jump.click()

    expect(heading).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the link list does not overflow

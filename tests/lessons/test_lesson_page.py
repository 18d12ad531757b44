"""The lesson page shows every element of the seed page, for visitors and learners, and nothing it should not."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from lessons.services import lesson_progress_complete, lesson_start
from tests import seed
from tests.factories import (
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    EnrollmentFactory,
    LessonFactory,
    RelatedLessonFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.lessons.html import visible_links, visible_text

pytestmark = pytest.mark.django_db

SEED_CHAPTERS = [
    ("0:00", "Intro"),
    ("1:17", "What “loops” in AI actually mean"),
    ("5:04", "Self-improvement as the next chapter of machine learning"),
    ("7:32", "Are Karpathy’s autoresearch agents an early form of AI self-improvement?"),
    ("8:56", "AI building AI: how close are we?"),
    ("10:02", "The biggest bottlenecks: evals, automation, and long horizons"),
    ("12:36", "Can formal verification unlock recursive self-improvement?"),
    ("14:06", "What is model collapse?"),
    ("15:33", "Generalization vs specialization in AI"),
    ("18:04", "What is a specialized model today?"),
    ("20:57", "Could top AI rese"),
]
SEED_RELATED = [
    (
        "The ABCs of reading medical research and review papers these days",
        "Learn to critically evaluate medical research papers by accepting nothing at face value, believing no one "
        "blindly, and checking everything",
        "Medium · LLM",
    ),
    (
        "#1 DevLog Meta-research: I Got Tired of Tab Chaos While Reading Research Papers.",
        "Learn to manage research paper tabs efficiently and apply meta-research techniques to improve productivity",
        "Dev.to AI",
    ),
    (
        "How to Set Up a Karpathy-Style Wiki for Your Research Field",
        "Learn to set up a Karpathy-style wiki for your research field to organize and share knowledge effectively",
        "Medium · AI",
    ),
    (
        "The Non-Optimality of Scientific Knowledge: Path Dependence, Lock-In, and The Local Minimum Trap",
        "Scientific knowledge may be stuck in a local minimum, hindering optimal progress, and understanding this "
        "concept is crucial for advancing research",
        "ArXiv cs.AI",
    ),
]


def page(client, lesson_or_url, **params):
    url = lesson_or_url if isinstance(lesson_or_url, str) else lesson_or_url.get_absolute_url()
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def test_a_visitor_sees_every_element_of_the_seed_page_in_order(client, seed_lesson):
    text = visible_text(page(client, seed_lesson).content)

    expected_in_order = [
        "AI is Already Building AI — Google DeepMind’s Mostafa Dehghani",
        "The MAD Podcast with Matt Turck",
        "Beginner",
        "📄 Research Papers Explained",
        "1mo ago",
        "Are we truly on the verge of AI automating its own research and development?",
        "Links",  # the description's links as a list; its chapter list is shown once, below, as the chapters
        "X/Twitter",
        "Apple",
        "Watch on YouTube ↗ (saves to browser)",
        "Sign in to unlock AI tutor explanation · ⚡30",
        "Chapters (11)",
        *[f"{stamp} {title}" for stamp, title in SEED_CHAPTERS],
        "Related AI Lessons",
        *[part for item in SEED_RELATED for part in item],
        "Up next",
        "Microsoft Research Forum | Season 2, Episode 4",
        "Microsoft Research",
        seed.SEED_LESSON.up_next_why,
        "Watch →",
    ]
    position = 0
    for fragment in expected_in_order:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing after position {position} in: …{text[position : position + 300]}"
        position = found + len(fragment)


def test_the_watch_link_opens_the_work_in_a_new_tab_and_marks_the_lesson_started(client, seed_lesson):
    links = visible_links(page(client, seed_lesson).content)
    watch = next(link for link in links if link.text == "Watch on YouTube ↗")
    assert watch.href == seed_lesson.external_url
    assert watch.attrs["target"] == "_blank"
    assert watch.attrs["rel"] == "noopener"
    assert watch.attrs["data-lesson-start"] == seed_lesson.slug


def test_each_chapter_links_into_the_video_at_its_time(client):
    lesson = LessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc123")
    ChapterFactory(lesson=lesson, start_seconds=0, title="Intro")
    ChapterFactory(lesson=lesson, start_seconds=77, title="What loops mean")
    links = visible_links(page(client, lesson).content)
    chapter_links = {
        link.text: link for link in links if "data-lesson-start" in link.attrs and "Watch" not in link.text
    }
    assert chapter_links["0:00 Intro"].href == "https://www.youtube.com/watch?v=abc123&t=0s"
    assert chapter_links["1:17 What loops mean"].href == "https://www.youtube.com/watch?v=abc123&t=77s"
    assert chapter_links["1:17 What loops mean"].attrs["target"] == "_blank"


def test_chapters_of_a_podcast_link_to_the_episode_itself(client):
    lesson = LessonFactory(kind="podcast", external_url="https://open.spotify.com/episode/7yLATDSaFvgJG80ACcRJtq")
    ChapterFactory(lesson=lesson, start_seconds=0, title="Intro")
    ChapterFactory(lesson=lesson, start_seconds=95, title="Later")
    links = visible_links(page(client, lesson).content)
    assert next(link for link in links if link.text == "1:35 Later").href == lesson.external_url
    assert any(link.text == "Listen on Spotify ↗" for link in links)


@pytest.mark.parametrize(
    ("kind", "source", "url", "label"),
    [
        ("article", "Medium · LLM", "https://medium.com/@a/b-1", "Read on Medium ↗"),
        ("paper", "ArXiv cs.AI", "https://arxiv.org/abs/1706.03762", "Read on arXiv ↗"),
        ("article", "Dev.to AI", "https://dev.to/a/b", "Read on Dev.to ↗"),
        ("url", "A blog", "https://example.org/post", "Open link ↗"),
    ],
)
def test_the_open_link_reads_after_the_kind_of_work(client, kind, source, url, label):
    lesson = LessonFactory(kind=kind, source__name=source, external_url=url)
    assert label in [link.text for link in visible_links(page(client, lesson).content)]


def test_links_in_the_description_are_clickable_and_markup_in_it_is_shown_as_text(client):
    lesson = LessonFactory(
        description="Slides - https://example.org/slides and <script>alert('x')</script> <b>bold</b>\nSecond line"
    )
    response = page(client, lesson)
    assert "https://example.org/slides" in [link.href for link in visible_links(response.content)]
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
    assert "<b>bold</b>" not in content
    assert "Second line" in visible_text(content)


def test_a_signed_in_learner_gets_the_tutor_section_without_the_sign_in_call(client, seed_lesson):
    client.force_login(UserFactory())
    response = page(client, seed_lesson)
    text = visible_text(response.content)
    # The placeholder says "coming soon" until the tutor app draws its own block in the same place.
    assert "AI tutor explanation" in text
    assert "⚡30" in text
    assert "Sign in to unlock" not in text
    assert 'id="tutor"' in response.content.decode()
    assert 'aria-labelledby="tutor-heading"' in response.content.decode()


def test_the_visitors_tutor_call_leads_to_sign_in_and_back_to_the_lesson(client, seed_lesson):
    links = visible_links(page(client, seed_lesson).content)
    cta = next(link for link in links if link.text == "Sign in to unlock AI tutor explanation · ⚡30")
    assert cta.href == f"/accounts/login/?next=/lessons/{seed_lesson.slug}/"


def test_the_tutor_call_shows_the_lessons_own_price(client):
    lesson = LessonFactory(unlock_price=45)
    assert "Sign in to unlock AI tutor explanation · ⚡45" in visible_text(page(client, lesson).content)


def test_up_next_is_the_next_lesson_of_the_course_the_learner_follows(client, seed_lesson):
    course = CourseFactory(title="AI Building AI")
    second = LessonFactory(title="Universal Transformers")
    CourseLessonFactory(course=course, lesson=seed_lesson, position=1)
    CourseLessonFactory(course=course, lesson=second, position=2)
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)

    text = visible_text(page(client, seed_lesson).content)
    up_next = text[text.index("Up next") :]
    assert up_next.startswith("Up next Universal Transformers")
    assert "Next in “AI Building AI”: lesson 2 of 2." in up_next
    assert "Read →" in up_next
    assert "AI Building AI · lesson 1 of 2" in text


def test_a_visitor_following_a_course_link_gets_the_courses_next_lesson(client, seed_lesson):
    course = CourseFactory(title="AI Building AI", slug="ai-building-ai")
    CourseLessonFactory(course=course, lesson=seed_lesson, position=1)
    CourseLessonFactory(course=course, lesson=LessonFactory(title="Neural Architecture Search"), position=2)
    text = visible_text(page(client, seed_lesson, course="ai-building-ai").content)
    assert "Up next Neural Architecture Search" in text


def test_without_a_course_up_next_is_the_curated_one_and_else_the_best_related_one(client):
    lesson, related = LessonFactory(), LessonFactory(title="The closest one")
    RelatedLessonFactory(lesson=lesson, related=related, curated=False, score=0.8)
    assert "Up next The closest one" in visible_text(page(client, lesson).content)
    assert "The closest related lesson to this one." in visible_text(page(client, lesson).content)

    lesson.up_next = LessonFactory(title="Chosen by a curator")
    lesson.up_next_reason = "It picks up where this one stops."
    lesson.save()
    text = visible_text(page(client, lesson).content)
    assert "Up next Chosen by a curator" in text
    assert "It picks up where this one stops." in text


def test_curated_related_lessons_come_before_computed_ones_and_only_four_show(client):
    lesson = LessonFactory()
    for n in range(4):
        RelatedLessonFactory(
            lesson=lesson, related__title=f"Computed {n}", curated=False, score=0.9 - n / 10, position=n
        )
    RelatedLessonFactory(lesson=lesson, related__title="Curated pick", curated=True, position=1)
    text = visible_text(page(client, lesson).content)
    related = text[text.index("Related AI Lessons") : text.index("Up next")]
    assert related.index("Curated pick") < related.index("Computed 0")
    assert "Computed 2" in related
    assert "Computed 3" not in related


def test_drafts_are_hidden_from_learners_but_staff_can_preview_them(client):
    draft = LessonFactory(status=Lesson.Status.DRAFT, title="Work in progress")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(StaffUserFactory())
    text = visible_text(page(client, draft).content)
    assert "Not published (draft): a preview for staff; learners cannot see this page until it is published." in text


def test_related_and_up_next_drafts_are_not_shown_to_learners(client):
    lesson = LessonFactory()
    RelatedLessonFactory(lesson=lesson, related__title="Secret draft", related__status=Lesson.Status.DRAFT)
    lesson.up_next = LessonFactory(title="Unpublished next", status=Lesson.Status.DRAFT)
    lesson.save()
    text = visible_text(page(client, lesson).content)
    assert "Secret draft" not in text
    assert "Unpublished next" not in text
    assert "Up next" not in text


def test_an_unknown_lesson_is_a_404(client, db):
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_a_lesson_id_link_leads_to_the_lessons_page(client):
    lesson = LessonFactory(slug="attention-is-all-you-need")
    response = client.get(f"/lessons/id/{lesson.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/lessons/attention-is-all-you-need/"
    assert client.get("/lessons/id/999999/").status_code == 404
    assert client.get(f"/lessons/id/{LessonFactory(status=Lesson.Status.DRAFT).pk}/").status_code == 404


def test_a_learners_marks_are_rendered_by_the_server(client, seed_lesson):
    learner = UserFactory()
    related = Lesson.objects.get(slug="devlog-meta-research-tab-chaos")
    lesson_start(user=learner, lesson=seed_lesson)
    lesson_progress_complete(user=learner, lesson=related)
    client.force_login(learner)
    text = visible_text(page(client, seed_lesson).content)
    header = text[: text.index("Are we truly")]
    assert "Watched" in header
    related_part = text[text.index("#1 DevLog") : text.index("How to Set Up")]
    assert "✓ Completed" in related_part
    assert "Watched" not in related_part


def test_a_visitors_page_carries_no_server_marks_and_tells_the_script_it_is_anonymous(client, seed_lesson):
    response = page(client, seed_lesson)
    assert "Watched" not in visible_text(response.content)
    content = response.content.decode()
    assert 'data-signed-in="false"' in content
    assert f'data-started-url="{reverse("lessons:started", kwargs={"slug": "__slug__"})}"' in content
    assert "/static/lessons/lessons.js" in content


def test_the_page_has_one_h1_and_labelled_sections(client, seed_lesson):
    content = page(client, seed_lesson).content.decode()
    assert content.count("<h1") == 1
    for heading in ("chapters-heading", "related-heading", "up-next-heading", "tutor-heading"):
        assert f'aria-labelledby="{heading}"' in content
        assert f'id="{heading}"' in content


def test_pages_answer_head_requests_as_well(client, seed_lesson):
    for url in ("/", "/lessons/", seed_lesson.get_absolute_url()):
        assert client.head(url).status_code == 200, url

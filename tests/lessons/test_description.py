"""The description, readable (issue 22, item 6): prose in paragraphs, links as a list, the chapters not twice."""

from __future__ import annotations

import re

import pytest

from lessons.description import DescriptionLink, description_read
from tests import seed
from tests.factories import ChapterFactory, LessonFactory
from tests.lessons.html import visible_links, visible_text

SEED_LINKS = [
    ("Mostafa Dehghani LinkedIn", "https://www.linkedin.com/in/dehghani-mostafa"),
    ("X/Twitter", "https://x.com/m__dehghani"),
    ("Google DeepMind Website", "https://deepmind.google"),
    ("X/Twitter", "https://x.com/GoogleDeepMind"),
    ("Matt Turck (Managing Director) Blog", "https://mattturck.com"),
    ("LinkedIn", "https://www.linkedin.com/in/turck/"),
    ("X/Twitter", "https://x.com/mattturck"),
    ("FirstMark Website", "https://firstmark.com"),
    ("X/Twitter", "https://x.com/FirstMarkCap"),
    ("Listen on: Spotify", "https://open.spotify.com/show/7yLATDSaFvgJG80ACcRJtq"),
    ("Apple", "https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724"),
]


def test_the_seed_description_is_one_paragraph_of_prose_and_its_eleven_links():
    parts = description_read(seed.SEED_DESCRIPTION, without_chapters=True)

    assert len(parts.paragraphs) == 1
    assert parts.paragraphs[0].startswith("Are we truly on the verge of AI automating its own research")
    assert parts.paragraphs[0].endswith("the next massive frontier for enterprise AI and data pipelines.")
    assert [(link.label, link.url) for link in parts.links] == SEED_LINKS
    assert parts.links[5].address == "linkedin.com/in/turck"  # tells Matt's "LinkedIn" from Mostafa's


def test_without_a_chapter_list_on_the_page_the_timestamps_stay_in_the_text():
    parts = description_read(seed.SEED_DESCRIPTION, without_chapters=False)

    assert parts.paragraphs[-1].startswith("00:00 Intro 01:17 What “loops” in AI actually mean")
    assert parts.paragraphs[-1].endswith("20:57 Could top AI rese")


def test_a_description_written_line_by_line_keeps_its_paragraphs_and_lists_its_links():
    text = (
        "We talk about agents that write their own tools.\r\n"
        "Recorded live in Berlin.\r\n\r\n"
        "Links:\r\n"
        "Slides: https://example.org/slides\r\n"
        "https://github.com/example/tools\r\n"
        "• Paper – https://arxiv.org/abs/2611.01234.\r\n\r\n"
        "0:00 Hello\r\n2:10 Tools that write tools\r\n9:45 Where it breaks\r\n\r\n"
        "Thanks for listening!"
    )

    parts = description_read(text, without_chapters=True)

    assert parts.paragraphs == [
        "We talk about agents that write their own tools.\nRecorded live in Berlin.",
        "Links:",
        "Thanks for listening!",
    ]
    assert parts.links == [
        DescriptionLink(label="Slides", url="https://example.org/slides", address="example.org/slides"),
        DescriptionLink(
            label="github.com/example/tools",
            url="https://github.com/example/tools",
            address="github.com/example/tools",
        ),
        DescriptionLink(label="Paper", url="https://arxiv.org/abs/2611.01234", address="arxiv.org/abs/2611.01234"),
    ]


def test_a_link_inside_a_sentence_stays_in_the_sentence():
    text = "Read the paper at https://arxiv.org/abs/1706.03762 before watching, then come back."

    parts = description_read(text, without_chapters=False)

    assert parts.paragraphs == [text]
    assert parts.links == []


def test_a_long_run_of_words_before_a_dash_is_prose_and_the_link_is_labelled_with_its_address():
    text = "this is a long run of words with no full stop that goes on and on - https://example.org/page"

    parts = description_read(text, without_chapters=False)

    assert parts.links[0].label == "example.org/page"
    assert parts.paragraphs == ["this is a long run of words with no full stop that goes on and on -"]


@pytest.mark.parametrize("text", ["", "   \n\n ", "Just prose."])
def test_plain_and_empty_descriptions(text):
    parts = description_read(text, without_chapters=True)
    assert parts.links == []
    assert parts.paragraphs == ([text] if text.strip() else [])


@pytest.mark.django_db
def test_the_seed_page_lists_the_links_and_shows_the_chapters_once(client, seed_lesson):
    response = client.get(seed_lesson.get_absolute_url())
    html = response.content.decode()
    text = visible_text(html)

    description = re.search(r'<div class="lesson-description" id="description">(.*?)</div>', html, re.S)
    assert description is not None
    assert html.count("<p>", description.start(), description.end()) == 1  # the prose
    listed = re.findall(r'<li><a href="([^"]+)" target="_blank" rel="noopener nofollow">', description.group(1))
    assert listed == [url for _, url in SEED_LINKS]
    assert text.count("Could top AI rese") == 1  # in the chapter list only
    assert text.count("What “loops” in AI actually mean") == 1
    jump = next(link for link in visible_links(html) if link.href == "#chapters-heading")
    assert jump.text.startswith("Chapters (11)")
    assert text.find("Chapters (11)") < text.find("Are we truly on the verge")  # before the description


@pytest.mark.django_db
def test_a_lesson_without_chapters_has_no_jump_link_and_keeps_its_text(client):
    lesson = LessonFactory(description="Intro. 00:00 Start 05:00 Middle")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "#chapters-heading" not in html
    assert "00:00 Start 05:00 Middle" in visible_text(html)

    ChapterFactory(lesson=lesson, start_seconds=0, title="Start")
    ChapterFactory(lesson=lesson, start_seconds=300, title="Middle")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "#chapters-heading" in html
    assert "00:00 Start" not in visible_text(html)

"""Tests for the chapter parser, the timestamp format and chapter links (lessons/chapters.py)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lessons.chapters import ParsedChapter, chapter_url, chapters_parse, timestamp_format
from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION


def starts_and_titles(chapters: list[ParsedChapter]) -> list[tuple[int, str]]:
    return [(chapter.start_seconds, chapter.title) for chapter in chapters]


# Examples


def test_seed_description_gives_its_eleven_chapters_with_seconds_and_titles():
    chapters = chapters_parse(SEED_DESCRIPTION)

    assert starts_and_titles(chapters) == list(SEED_CHAPTERS)


def test_seed_description_keeps_the_cut_off_last_chapter_marked_truncated():
    chapters = chapters_parse(SEED_DESCRIPTION)

    assert chapters[-1] == ParsedChapter(start_seconds=1257, title="Could top AI rese", truncated=True)
    assert not any(chapter.truncated for chapter in chapters[:-1])


def test_one_chapter_per_line_is_parsed():
    text = "Chapters:\n0:00 Welcome\n2:05 - Setting up\n12:40 | Training the model\n25:00: Wrap-up\n"

    assert starts_and_titles(chapters_parse(text)) == [
        (0, "Welcome"),
        (125, "Setting up"),
        (760, "Training the model"),
        (1500, "Wrap-up"),
    ]


def test_a_final_newline_means_the_last_title_was_not_cut_off():
    assert chapters_parse("0:00 Intro\n1:17 Outro\n")[-1].truncated is False
    assert chapters_parse("0:00 Intro\n1:17 Outro")[-1].truncated is True


def test_last_title_ending_in_punctuation_is_not_truncated():
    assert chapters_parse("0:00 Intro 1:17 Is it done?")[-1].truncated is False


def test_hours_minutes_seconds_are_parsed():
    text = "00:00:00 Opening\n0:45:10 The middle\n1:02:03 The long tail\n10:00:00 Marathon end"

    assert starts_and_titles(chapters_parse(text)) == [
        (0, "Opening"),
        (2710, "The middle"),
        (3723, "The long tail"),
        (36000, "Marathon end"),
    ]


def test_prose_times_before_the_list_are_ignored():
    text = "We met at 10:30 for coffee and recorded at 14:15.\n\n0:00 Hello\n3:30 The meeting\n9:59 Goodbye"

    assert starts_and_titles(chapters_parse(text)) == [(0, "Hello"), (210, "The meeting"), (599, "Goodbye")]


def test_prose_times_in_a_later_paragraph_end_the_list_without_breaking_it():
    text = "0:00 Hello\n3:30 The meeting\n\nThanks for watching! We go live again at 2:00 next week."

    assert starts_and_titles(chapters_parse(text)) == [(0, "Hello"), (210, "The meeting")]


def test_clock_times_with_am_or_pm_are_not_chapter_marks():
    text = "0:00 Intro 4:10 Demo 9:30 pm we stop 12:00 Questions"

    assert starts_and_titles(chapters_parse(text)) == [(0, "Intro"), (250, "Demo 9:30 pm we stop"), (720, "Questions")]


def test_brackets_and_separators_around_timestamps_are_trimmed():
    text = "[00:00] Intro – [01:17] — Loops | (02:30) Results •"

    assert starts_and_titles(chapters_parse(text)) == [(0, "Intro"), (77, "Loops"), (150, "Results")]


def test_an_empty_title_is_named_after_its_position():
    assert starts_and_titles(chapters_parse("0:00\n1:17 Loops")) == [(0, "Chapter 1"), (77, "Loops")]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0:10 Intro\n1:17 Loops\n5:04 End", id="starts after zero"),
        pytest.param("1:17 Loops 5:04 End", id="no zero at all"),
        pytest.param("", id="empty"),
        pytest.param("No timestamps here, just prose.", id="prose only"),
        pytest.param("0:00 Just one chapter", id="a single chapter"),
    ],
)
def test_text_without_a_list_starting_at_zero_gives_no_chapters(text):
    assert chapters_parse(text) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("00:00 Intro 05:00 A 03:00 B", id="falls inline"),
        pytest.param("0:00 Intro\n5:00 A\n3:00 B", id="falls line by line"),
        pytest.param("0:00 Intro\n1:17 A\n1:17 B", id="repeats a time"),
        pytest.param("0:00 - 1:17 Intro\n1:17 - 3:00 Body", id="time ranges"),
    ],
)
def test_a_list_that_does_not_rise_gives_no_chapters(text):
    assert chapters_parse(text) == []


def test_invalid_seconds_are_not_timestamps():
    # "0:75" is not a time, so the list is "0:00 Intro 0:75 Bad" then 1:00.
    assert starts_and_titles(chapters_parse("0:00 Intro 0:75 Bad 1:00 Good")) == [(0, "Intro 0:75 Bad"), (60, "Good")]


def test_windows_line_endings_are_understood():
    assert starts_and_titles(chapters_parse("0:00 Intro\r\n1:17 Loops\r\n")) == [(0, "Intro"), (77, "Loops")]


# timestamp_format


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "0:00"), (7, "0:07"), (77, "1:17"), (599, "9:59"), (3600, "1:00:00"), (3723, "1:02:03"), (36000, "10:00:00")],
)
def test_timestamp_format_reads_like_a_chapter_list(seconds, expected):
    assert timestamp_format(seconds) == expected


def test_timestamp_format_refuses_negative_seconds():
    with pytest.raises(ValueError, match="negative"):
        timestamp_format(-1)


# chapter_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=abc123", "https://www.youtube.com/watch?v=abc123&t=77s"),
        (
            "https://www.youtube.com/watch?v=abc123&t=5s&list=PL1",
            "https://www.youtube.com/watch?v=abc123&list=PL1&t=77s",
        ),
        ("https://youtu.be/abc123", "https://youtu.be/abc123?t=77s"),
        ("https://youtu.be/abc123?si=xyz", "https://youtu.be/abc123?si=xyz&t=77s"),
        ("https://m.youtube.com/watch?v=abc123", "https://m.youtube.com/watch?v=abc123&t=77s"),
        ("https://www.youtube.com/live/abc123", "https://www.youtube.com/live/abc123?t=77s"),
    ],
)
def test_youtube_chapter_links_point_into_the_video(url, expected):
    assert chapter_url(url, 77, "youtube") == expected


def test_youtube_pages_that_are_not_one_video_are_left_alone():
    search = "https://www.youtube.com/results?search_query=AI+is+Already+Building+AI"

    assert chapter_url(search, 77, "youtube") == search


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", "podcast"),
        ("https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724", "podcast"),
        ("https://arxiv.org/abs/1706.03762", "paper"),
        ("https://www.youtube.com/watch?v=abc123", "url"),
    ],
)
def test_other_kinds_link_to_the_external_url_unchanged(url, kind):
    assert chapter_url(url, 77, kind) == url


# Properties

# Titles a chapter list could hold: words of letters, digits and inner punctuation, never a "d:dd" timestamp, and not
# starting with am/pm, which would make the timestamp before them read as a clock time.
_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éü’“”?!.,&'", min_size=1, max_size=9
)
_TITLE = (
    st.lists(_WORD, min_size=1, max_size=6)
    .map(" ".join)
    .filter(lambda title: not re.search(r"[0-9]:[0-9]", title))
    .filter(lambda title: not re.match(r"(?i)[ap]\.?m\b", title))
)


@st.composite
def chapter_lists(draw):
    gaps = draw(st.lists(st.integers(min_value=1, max_value=2 * 3600), min_size=1, max_size=14))
    starts = [0]
    for gap in gaps:
        starts.append(starts[-1] + gap)
    titles = draw(st.lists(_TITLE, min_size=len(starts), max_size=len(starts)))
    return list(zip(starts, titles, strict=True))


def _stamp(seconds: int, padded: bool) -> str:
    text = timestamp_format(seconds)
    return text.zfill(5) if padded and len(text) < 5 else text


_PROSE = st.sampled_from(
    ["", "We met at 10:30 for coffee.\n\n", "Timestamps below (times like 4:05 are approximate)\n", "Recorded 12:45 "]
)


@given(
    chapters=chapter_lists(),
    padded=st.booleans(),
    separator=st.sampled_from([" ", " - ", " | ", ": ", " – "]),
    inline=st.booleans(),
    prose=_PROSE,
)
@pytest.mark.slow  # 400 examples; the parser is the same on every database
@settings(max_examples=400)
def test_rendered_chapter_lists_parse_back_to_the_same_starts_and_titles(chapters, padded, separator, inline, prose):
    lines = [f"{_stamp(start, padded)}{separator}{title}" for start, title in chapters]
    text = prose + (" ".join(lines) if inline else "\n".join(lines))

    assert starts_and_titles(chapters_parse(text)) == chapters


_TIMESTAMPISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["0:00", "00:00", "1:17", "12:34:56", "99:99", "0:75", ":", " ", "\n", "\n\n", "am", "- ", "["]
        ),
        st.text(max_size=8),
        st.integers(min_value=0, max_value=40000).map(timestamp_format),
    ),
    max_size=40,
).map("".join)


@given(text=st.one_of(st.text(), _TIMESTAMPISH))
@pytest.mark.slow  # 500 examples; the parser is the same on every database
@settings(max_examples=500)
@example(text="0:00 0:00 0:00")
@example(text="0:00\n\n0:00 a 0:01 b")
def test_parser_never_raises_and_its_output_starts_at_zero_and_rises(text):
    chapters = chapters_parse(text)

    if chapters:
        assert chapters[0].start_seconds == 0
        assert len(chapters) >= 2
        starts = [chapter.start_seconds for chapter in chapters]
        assert all(earlier < later for earlier, later in itertools.pairwise(starts))
        assert all(chapter.title and "\n" not in chapter.title for chapter in chapters)
        assert not any(chapter.truncated for chapter in chapters[:-1])

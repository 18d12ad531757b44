"""Transcripts in the formats admins paste: WebVTT, SRT, and plain text with or without times."""

from __future__ import annotations

import pytest

from lessons.transcripts import (
    TranscriptFormatError,
    TranscriptSegment,
    transcript_parse,
    transcript_text_between,
    transcript_text_by_chapter,
)


def test_webvtt_cues_become_segments_without_voice_tags_or_styling():
    raw = (
        "WEBVTT\nKind: captions\n\nNOTE written for this test\n\n"
        "intro\n00:00:02.500 --> 00:00:06.000 align:start\n<v Host>Welcome to the lesson.</v>\n\n"
        "01:17.250 --> 01:20.000\nLoops mean <i>running again</i>\non the model's own output.\n"
    )

    assert transcript_parse(raw) == [
        TranscriptSegment(2.5, "Welcome to the lesson."),
        TranscriptSegment(77.25, "Loops mean running again on the model's own output."),
    ]


def test_rolling_auto_captions_keep_each_line_once():
    raw = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:03.000\nso today we are talking\n\n"
        "00:00:03.000 --> 00:00:05.000\nso today we are talking\nabout model collapse\n\n"
        "00:00:05.000 --> 00:00:07.000\nabout model collapse\nand why it happens\n"
    )

    text = transcript_text_between(transcript_parse(raw), 0, None)

    assert text == "so today we are talking about model collapse and why it happens"


def test_srt_subtitles_become_segments_with_windows_line_endings_and_a_byte_order_mark():
    raw = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:04,000\r\n{\\an8}Hello there.\r\n\r\n"
        "2\r\n00:14:06,500 --> 00:14:09,000\r\nModel collapse.\r\n"
    )

    assert transcript_parse(raw) == [
        TranscriptSegment(1.0, "Hello there."),
        TranscriptSegment(846.5, "Model collapse."),
    ]


def test_caption_cues_without_the_webvtt_header_are_still_read():
    raw = "00:00:01.000 --> 00:00:03.000\nFirst words.\n\n00:01:17.000 --> 00:01:19.000\nLater words.\n"

    assert [segment.start_seconds for segment in transcript_parse(raw)] == [1.0, 77.0]


def test_plain_text_with_leading_times_in_the_usual_shapes():
    raw = (
        "Before any time is given.\n"
        "00:00 Intro words.\n"
        "01:17 What loops mean.\n"
        "and this line continues it.\n"
        "[00:05:04] Self-improvement.\n"
        "(1:02:03) - An hour in.\n"
        "14:06\n"
        "A time alone on its line, as YouTube's transcript panel copies it.\n"
    )

    assert transcript_parse(raw) == [
        TranscriptSegment(0.0, "Before any time is given."),
        TranscriptSegment(0.0, "Intro words."),
        TranscriptSegment(77.0, "What loops mean. and this line continues it."),
        TranscriptSegment(304.0, "Self-improvement."),
        TranscriptSegment(846.0, "A time alone on its line, as YouTube's transcript panel copies it."),
        TranscriptSegment(3723.0, "An hour in."),
    ]


def test_plain_text_without_times_is_one_segment_at_the_start():
    assert transcript_parse("We talk about loops.\n\nThen about collapse.") == [
        TranscriptSegment(0.0, "We talk about loops. Then about collapse.")
    ]


@pytest.mark.parametrize("raw", ["", "   \n\n", "\ufeff"])
def test_empty_transcript_has_no_segments(raw):
    assert transcript_parse(raw) == []


@pytest.mark.parametrize(
    "raw",
    ["WEBVTT\n\n00:00:01.000 --> soon\nwords\n", "1\n00:00:01,000 --> later\nwords\n"],
    ids=["webvtt", "srt"],
)
def test_caption_file_of_which_nothing_can_be_read_is_refused(raw):
    with pytest.raises(TranscriptFormatError, match="no caption in it could be read"):
        transcript_parse(raw)


def test_text_between_two_times_includes_the_start_and_stops_before_the_end():
    segments = [TranscriptSegment(0, "zero"), TranscriptSegment(77, "one"), TranscriptSegment(100, "two")]

    assert transcript_text_between(segments, 77, 100) == "one"
    assert transcript_text_between(segments, 50, None) == "one two"
    assert transcript_text_between(segments, 0, 77) == "zero"
    assert transcript_text_between(segments, 200, None) == ""


def test_text_by_chapter_splits_at_each_chapter_and_keeps_what_came_before_the_first():
    segments = [TranscriptSegment(0, "cold open"), TranscriptSegment(70, "intro"), TranscriptSegment(80, "more intro")]
    segments.append(TranscriptSegment(300, "loops"))

    assert transcript_text_by_chapter(segments, [60, 120, 300]) == ("cold open", ["intro more intro", "", "loops"])
    assert transcript_text_by_chapter(segments, []) == ("cold open intro more intro loops", [])


# --- Hostile transcripts: linear parsing, caps, and a parse kept for the next question ------------------------------


@pytest.mark.parametrize(
    "line",
    ["<" * 200_000, "{\\" * 100_000],
    ids=["open-tags", "open-ssa-overrides"],
)
def test_a_caption_line_of_unclosed_markup_parses_in_well_under_a_second(settings, line):
    """Before: 27 s for 200,000 "<" (the markup pattern rescanned the line from every "<")."""
    import time

    settings.TRANSCRIPT_MAX_LINE_CHARS = 1_000_000  # the line cap would hide the pattern's cost
    raw = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nbefore {line} after\n"
    started = time.perf_counter()
    segments = transcript_parse(raw)
    assert time.perf_counter() - started < 1.0
    assert segments[0].text.startswith("before")


def test_many_blank_lines_do_not_make_the_format_check_quadratic():
    """Before: the cue-timing search let its leading blanks cross line ends; 100,000 blank lines ran for minutes."""
    import time

    started = time.perf_counter()
    segments = transcript_parse("first words" + "\n" * 100_000 + "last words")
    assert time.perf_counter() - started < 1.0
    assert transcript_text_between(segments, 0, None) == "first words last words"


def test_a_transcript_is_cut_to_its_caps_before_parsing(settings):
    settings.TRANSCRIPT_MAX_CHARS = 70
    settings.TRANSCRIPT_MAX_LINE_CHARS = 12
    raw = "00:01 a very long first line of speech\n00:02 second\n00:03 third\n00:04 fourth line is past the cap\n"

    segments = transcript_parse(raw)

    assert [(segment.start_seconds, segment.text) for segment in segments] == [
        (1.0, "a very"),
        (2.0, "second"),
        (3.0, "third"),
    ]


def test_one_cap_what_the_sources_pipeline_stores_is_what_parsing_reads(settings):
    """Before: the store cut at INGEST_MAX_TRANSCRIPT_CHARS after a whole cue, parsing at TRANSCRIPT_MAX_CHARS after a
    line, so a cue could be stored without its text, or read from a transcript longer than anything stored."""
    from lessons.transcripts import transcript_capped

    settings.TRANSCRIPT_MAX_CHARS = 120
    cues = [f"00:00:{second:02d}.000 --> 00:00:{second + 1:02d}.000\nwords of cue {second}" for second in range(10)]
    raw = "WEBVTT\n\n" + "\n\n".join(cues) + "\n"

    stored = transcript_capped(raw)

    assert len(stored) <= 120 < len(raw)
    assert stored.endswith("words of cue 1")  # after a whole cue, never a timing line without its words
    assert transcript_parse(stored) == transcript_parse(raw)


def test_webvtt_character_references_are_decoded_once():
    raw = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nQ&amp;A: 3 &lt; 4 &amp;lt; is how you write &lt;<i>&gt;</i>\n"

    assert transcript_parse(raw)[0].text == "Q&A: 3 < 4 &lt; is how you write <>"


def test_the_same_transcript_is_parsed_once_for_every_question_on_it(monkeypatch):
    """Each question and unlock reads the lesson's transcript: the parsed form is kept, not parsed again."""
    import webvtt

    calls = []
    real = webvtt.from_string
    monkeypatch.setattr(webvtt, "from_string", lambda text: calls.append(1) or real(text))
    raw = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nA transcript read by several questions in a row.\n"

    answers = [transcript_parse(raw) for _ in range(3)]
    answers[0].clear()  # a caller changing its copy changes nobody else's

    assert len(calls) == 1
    assert (
        transcript_parse(raw)
        == answers[1]
        == [TranscriptSegment(1.0, "A transcript read by several questions in a row.")]
    )

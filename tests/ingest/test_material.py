"""The material readers on hostile and real-world bytes: each problem is a MaterialError that says what is wrong,
never a crash; pages are decoded as browsers decode them; JSON transcripts read like speech."""

from __future__ import annotations

import json

import pytest

from ingest.fetching import Fetched
from ingest.material import MaterialError, article_text, chapters_from_json, transcript_text
from lessons.transcripts import transcript_parse


def fetched(body: bytes, content_type: str = "application/json") -> Fetched:
    return Fetched(
        url="https://example.org/x", status=200, body=body, content_type=content_type, etag="", last_modified=""
    )


CHAPTERS_BAD = {
    "nan": (b'{"chapters": [{"startTime": NaN, "title": "a"}]}', "NaN"),
    "infinity": (b'{"chapters": [{"startTime": Infinity, "title": "a"}]}', "Infinity"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    "nul": (b'{"chapters": [{"startTime": 0, "title": "a\x00b"}]}', "NUL"),
}


@pytest.mark.parametrize("case", list(CHAPTERS_BAD))
def test_hostile_chapters_json_is_a_clear_material_error(case):
    body, said = CHAPTERS_BAD[case]
    with pytest.raises(MaterialError, match=said):
        chapters_from_json(fetched(body))


def test_chapter_times_out_of_range_are_skipped_and_escaped_control_characters_dropped():
    body = json.dumps(
        {
            "chapters": [
                {"startTime": 10**30, "title": "too late"},
                {"startTime": -5, "title": "before the start"},
                {"startTime": "1e999", "title": "infinite as text"},
                {"startTime": 61.5, "title": "Real\u0000 chapter"},
            ]
        }
    ).encode()
    chapters = chapters_from_json(fetched(body))
    assert [(chapter.start_seconds, chapter.title) for chapter in chapters] == [(61, "Real chapter")]


TRANSCRIPT_BAD = {
    "nan": (b'{"segments": [{"startTime": NaN, "body": "hello"}]}', "NaN"),
    "infinity": (b'{"segments": [{"startTime": 0, "endTime": -Infinity, "body": "hello"}]}', "Infinity"),
    "deep": (b'{"segments": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested deeper"),
    "nul": (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhel\x00lo\n", "NUL"),
}


@pytest.mark.parametrize("case", list(TRANSCRIPT_BAD))
def test_hostile_transcripts_are_a_clear_material_error(case):
    body, said = TRANSCRIPT_BAD[case]
    with pytest.raises(MaterialError, match=said):
        transcript_text(fetched(body, "application/json" if body.startswith(b"{") else "text/vtt"))


def test_a_json_transcript_time_out_of_range_skips_that_segment():
    body = json.dumps(
        {"segments": [{"startTime": 10**30, "body": "never"}, {"startTime": 2, "endTime": 3, "body": "Spoken."}]}
    ).encode()
    assert transcript_text(fetched(body)) == "WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nSpoken.\n"


def test_a_word_level_json_transcript_reads_as_sentences_per_speaker_turn():
    """Before: one cue per word, "Alice: I Alice: am Alice: here." in the tutor's quotes."""
    words = [("Alice", "I"), ("Alice", "am"), ("Alice", "here."), ("Alice", "Are"), ("Alice", "you?"), ("Bob", "Yes.")]
    segments = [
        {"speaker": speaker, "startTime": 0.5 * n, "endTime": 0.5 * n + 0.4, "body": word}
        for n, (speaker, word) in enumerate(words)
    ]
    vtt = transcript_text(fetched(json.dumps({"version": "1.0.0", "segments": segments}).encode()))
    assert [segment.text for segment in transcript_parse(vtt)] == ["Alice: I am here.", "Alice: Are you?", "Bob: Yes."]
    assert [segment.start_seconds for segment in transcript_parse(vtt)] == [0.0, 1.5, 2.5]


def test_a_json_transcript_served_as_text_plain_is_read_as_json():
    body = json.dumps({"segments": [{"speaker": "Ana", "startTime": 1, "endTime": 2, "body": "Hola."}]}).encode()
    assert transcript_text(fetched(body, "text/plain; charset=utf-8")) == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: Hola.\n"
    )


def test_plain_text_that_starts_with_a_brace_is_still_read_as_text():
    body = b"{Music}\n00:01 Welcome to the show\n"
    assert transcript_text(fetched(body, "text/plain")) == "{Music}\n00:01 Welcome to the show"


ARTICLE = (
    "<html><head>{meta}<title>Lernen</title></head><body><article>"
    + "<p>Die Grundlagen des höheren Lernens werden hier Schritt für Schritt erklärt, mit Beispielen.</p>" * 6
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    "meta",
    ['<meta charset="iso-8859-1">', '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'],
)
def test_a_page_whose_charset_is_only_in_its_meta_tag_is_decoded_with_it(meta):
    """Before: decoded as UTF-8, "h�heren" 44 times in 2,500 characters, quoted by the tutor as is."""
    body = ARTICLE.format(meta=meta).encode("iso-8859-1")
    text = article_text(fetched(body, "text/html"))
    assert "höheren Lernens" in text
    assert "\ufffd" not in text


def test_a_page_without_any_declared_charset_is_detected():
    body = ARTICLE.format(meta="").encode("cp1252")
    assert "höheren Lernens" in article_text(fetched(body, "text/html"))


def test_the_http_charset_wins_over_the_meta_tag_and_a_byte_order_mark_over_both():
    body = ARTICLE.format(meta='<meta charset="koi8-r">').encode("iso-8859-1")
    assert "höheren" in article_text(fetched(body, "text/html; charset=iso-8859-1"))
    assert "höheren" in article_text(
        fetched(b"\xef\xbb\xbf" + ARTICLE.format(meta="").encode(), "text/html; charset=koi8-r")
    )

"""Feeds in the shapes real publishers give them (tests/ingest/feed_shapes.py): each is read whole, nothing is
silently dropped or mangled, and every limit that cuts says so."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ingest.models import MaterialStatus
from ingest.services import source_poll
from lessons.models import Lesson, Source
from tests.ingest import feed_shapes, feed_texts
from tests.ingest.conftest import source_for
from tests.ingest.server import Route

pytestmark = pytest.mark.django_db


@pytest.fixture
def shapes(feed_server):
    return feed_shapes.shapes_install(feed_server)


def poll_shape(feed_server, shapes, name: str):
    shape = shapes[name]
    source = source_for(feed_server, shape.path, shape.kind, name=f"Shape {name}")
    return source, source_poll(source_id=source.pk, material_inline=True)


def lessons_of(source: Source) -> list[Lesson]:
    return list(Lesson.objects.filter(source=source).order_by("-published_at", "pk"))


# --- 1. Encodings ---------------------------------------------------------------------------------------------


def test_an_iso_8859_1_feed_with_its_charset_only_in_the_http_header_is_read(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "latin1")
    assert (result.new, result.failed) == (1, 0)
    lesson = Lesson.objects.get(source=source)
    # The curly apostrophe is byte 0x92: read as windows-1252, as browsers read an ISO-8859-1 label.
    assert lesson.title == "L’été à Zürich : début des fêtes"
    assert lesson.description == "Les écoles ferment ; la ville fête l’été."


def test_a_koi8_r_feed_with_its_charset_only_in_the_http_header_is_read(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "koi8-r")
    assert result.new == 1
    assert Lesson.objects.get(source=source).title == "Машинное обучение в школе"


@pytest.mark.parametrize("name", list(feed_shapes.CJK))
def test_a_feed_declared_in_a_multi_byte_encoding_is_read_with_the_characters_real_feeds_use(feed_server, shapes, name):
    source, result = poll_shape(feed_server, shapes, name)
    _, _, title, summary = feed_shapes.CJK[name]
    assert (result.new, result.failed) == (1, 0), result.error
    lesson = Lesson.objects.get(source=source)
    assert (lesson.title, lesson.description) == (title, summary)


def test_the_http_charset_outranks_the_xml_declaration(feed_server):
    """RFC 7303: the charset parameter is authoritative; a declaration naming another encoding is not used."""
    declared = b'<?xml version="1.0" encoding="windows-1251"?>'
    body = feed_shapes.koi8r_feed(feed_server.base).replace(b'<?xml version="1.0"?>', declared)
    feed_server.routes["/koi8-declared"] = Route(body=body, content_type="text/xml; charset=koi8-r")
    source = source_for(feed_server, "/koi8-declared", "rss")
    assert source_poll(source_id=source.pk).new == 1
    assert Lesson.objects.get().title == "Машинное обучение в школе"


def test_a_byte_order_mark_outranks_the_http_charset(feed_server):
    text = feed_shapes.koi8r_feed(feed_server.base).decode("koi8_r")
    feed_server.routes["/utf16"] = Route(
        body=b"\xff\xfe" + text.encode("utf-16-le"), content_type="text/xml; charset=utf-8"
    )
    source = source_for(feed_server, "/utf16", "rss")
    assert source_poll(source_id=source.pk).new == 1
    assert Lesson.objects.get().title == "Машинное обучение в школе"


def test_a_servers_default_charset_that_cannot_be_right_gives_way_to_the_feeds_declaration(feed_server):
    """A server answering "charset=utf-8" for every file, in front of a feed that declares ISO-8859-1 (feedparser
    forgives this too)."""
    body = b'<?xml version="1.0" encoding="ISO-8859-1"?>' + feed_shapes.latin1_news(feed_server.base)
    feed_server.routes["/default-charset"] = Route(body=body, content_type="application/rss+xml; charset=utf-8")
    source = source_for(feed_server, "/default-charset", "rss")
    assert source_poll(source_id=source.pk).new == 1
    assert Lesson.objects.get().title == "L’été à Zürich : début des fêtes"


@pytest.mark.parametrize(
    ("case", "message"),
    [("laughs", "entities"), ("xxe", "entities")],
)
def test_entities_stay_refused_in_a_feed_with_a_declared_multi_byte_encoding(feed_server, case, message):
    """The safety check now reads the re-encoded text: entity bombs and external entities in gb2312 are refused."""
    body = (feed_texts.BILLION_LAUGHS if case == "laughs" else feed_texts.XXE).replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="gb2312"?>'
    )
    feed_server.routes["/evil"] = Route(body=body, content_type="text/xml")
    source = source_for(feed_server, "/evil", "rss")
    result = source_poll(source_id=source.pk)
    assert result.failed == 1
    assert message in result.error
    assert not Lesson.objects.exists()


# --- 2. The richest field -------------------------------------------------------------------------------------


def test_an_empty_content_encoded_does_not_hide_the_show_notes_in_the_description(feed_server, shapes):
    _, result = poll_shape(feed_server, shapes, "squarespace")
    assert result.new == 2
    episode = Lesson.objects.get(identity_key="sq-ep-1")
    assert episode.description.startswith("In this episode we talk about evaluation harnesses & what they miss.")
    assert list(episode.chapters.values_list("start_seconds", "title")) == [
        (0, "Welcome"),
        (252, "Why harnesses drift"),
        (1120, "Questions from listeners"),
    ]
    longer = Lesson.objects.get(identity_key="sq-ep-2")
    # The notes close their paragraph, so the text keeps its one final line break (ingest/text.py).
    assert longer.description == "The long notes of this episode, with more to say than the teaser.\n"


# --- 5. Plain text, decoded once ------------------------------------------------------------------------------


def test_titles_and_descriptions_are_plain_text_decoded_once(feed_server, shapes):
    source, _ = poll_shape(feed_server, shapes, "rss10")
    lesson = Lesson.objects.get(source=source)
    assert lesson.title == "$4300 3bd 1930ft2 & garden"
    # &quot; &amp; &nbsp; decoded; the author's literal "&lt;b&gt;" (escaped twice in the feed) stays as written.
    assert lesson.description == 'A "quiet" street & a park nearby. Write &lt;b&gt; for bold.'


# --- 6. Relative links ----------------------------------------------------------------------------------------


def test_relative_links_resolve_against_the_entry_base_then_the_feed_base(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "jekyll")
    assert (result.new, result.failed) == (3, 0)
    urls = {lesson.title: lesson.external_url for lesson in lessons_of(source)}
    assert urls == {
        "QEMU 10.1.0 released": feed_server.url("/2025/08/26/qemu-10-1-0/"),
        "Notes on TCG": feed_server.url("/blog/notes/tcg/"),
        "An older post": feed_server.url("/archive/older-post/"),
    }
    assert all(lesson.material_fetch.status == MaterialStatus.DONE for lesson in lessons_of(source))


def test_a_relative_link_without_any_base_resolves_against_the_feed_url(feed_server, shapes):
    poll_shape(feed_server, shapes, "untitled")
    lesson = Lesson.objects.get(identity_key="micro-2")
    assert lesson.external_url == feed_server.url("/micro/posts/2")
    assert "Paragraph 2 of the article about Sparse attention" in lesson.material


# --- 7. Several transcripts -----------------------------------------------------------------------------------


def test_of_several_transcripts_the_feeds_language_wins_then_the_richest_format(feed_server, shapes):
    _, result = poll_shape(feed_server, shapes, "podcasting20")
    assert result.failed == 0
    many = Lesson.objects.get(identity_key="p20-1")
    assert many.transcript == feed_shapes.ENGLISH_VTT.strip()  # not the 7-cue Spanish captions listed last
    # A transcript without a language is in the feed's (English), so it beats a French WebVTT file.
    assert Lesson.objects.get(identity_key="p20-2").transcript == feed_shapes.PLAIN_ENGLISH


def test_a_spanish_podcast_takes_the_spanish_transcript(feed_server, shapes):
    feed_server.routes["/p20/feed"] = Route(body=feed_shapes.podcasting20(feed_server.base, language="es-ES"))
    poll_shape(feed_server, shapes, "podcasting20")
    assert Lesson.objects.get(identity_key="p20-1").transcript == feed_shapes.SPANISH_CAPTIONS.strip()


# --- 8. Items and metadata ------------------------------------------------------------------------------------


def test_items_without_a_title_are_kept_with_a_title_from_their_text(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "untitled")
    assert (result.new, result.failed) == (3, 0)
    titles = dict(Lesson.objects.filter(source=source).values_list("identity_key", "title"))
    assert titles == {
        feed_server.url("/micro/1"): "Shipped a smaller tokenizer today.",
        "micro-2": "Reading about sparse attention: the gate decides when a head looks far back, and memory…",
        "micro-3": "On evaluation leaks",
    }


def test_atom_entries_inherit_the_feed_author_and_keep_the_feeds_full_text_when_the_page_is_gone(feed_server, shapes):
    _, result = poll_shape(feed_server, shapes, "full-content")
    assert result.new == 2
    gone = Lesson.objects.get(identity_key="urn:full:gone")
    here = Lesson.objects.get(identity_key="urn:full:here")
    assert {gone.authors, here.authors} == {"Feed-Level Author"}
    assert (
        gone.material == feed_shapes.FULL_CONTENT + "\n"
    )  # the page answered 404: the feed's own text (its </p> ended)
    assert "HTTP 404" in gone.material_fetch.error
    assert "Paragraph 3 of the article about A post with a page" in here.material  # the page wins when it answers


def test_a_later_poll_never_replaces_the_pages_text_with_the_feeds(feed_server, shapes):
    source, _ = poll_shape(feed_server, shapes, "full-content")
    here = Lesson.objects.get(identity_key="urn:full:here")
    page_text = here.material
    result = source_poll(source_id=source.pk, material_inline=True)
    assert (result.updated, result.unchanged) == (0, 2)
    here.refresh_from_db()
    assert here.material == page_text


# --- 9. Limits that say so ------------------------------------------------------------------------------------


def test_a_730_episode_archive_is_cut_at_the_item_limit_and_the_cut_is_said(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "archive")
    assert result.new == 200
    note = "the feed lists 730 items; the first 200 were read (INGEST_MAX_FEED_ITEMS), 530 left out"
    assert result.line() == f"Shape archive: 200 new, 0 updated, 0 unchanged, 0 failed; {note}"
    source.refresh_from_db()
    assert source.last_poll_notes == note
    assert Lesson.objects.filter(source=source, title="Episode 730").exists()  # newest first
    assert not Lesson.objects.filter(source=source, title="Episode 530").exists()


def test_the_item_limit_is_a_setting(feed_server, shapes, settings):
    settings.INGEST_MAX_FEED_ITEMS = 1000
    source, result = poll_shape(feed_server, shapes, "archive")
    assert (result.new, result.notes) == (feed_shapes.ARCHIVE_EPISODES, [])
    source.refresh_from_db()
    assert source.last_poll_notes == ""


def test_a_feed_over_the_byte_limit_names_the_setting_to_raise(feed_server, shapes, settings):
    settings.INGEST_MAX_FEED_BYTES = 50_000
    source, result = poll_shape(feed_server, shapes, "archive")
    assert result.failed == 1
    source.refresh_from_db()
    assert "too large" in source.last_error
    assert "INGEST_MAX_FEED_BYTES" in source.last_error


def test_a_transcript_over_the_character_limit_is_cut_after_a_whole_cue_and_the_cut_is_said(
    feed_server, shapes, settings
):
    settings.TRANSCRIPT_MAX_CHARS = 200
    _, result = poll_shape(feed_server, shapes, "podcasting20")
    assert "1 transcript cut at 200 characters (TRANSCRIPT_MAX_CHARS)" in result.line()
    episode = Lesson.objects.get(identity_key="p20-1")
    assert len(episode.transcript) <= 200
    assert feed_shapes.ENGLISH_VTT.startswith(episode.transcript)
    assert episode.transcript.endswith("English transcript.")
    assert "cut at 200 of" in episode.material_fetch.error
    assert episode.material_fetch.status == MaterialStatus.DONE


def test_the_sources_admin_shows_what_the_last_poll_cut(feed_server, shapes, admin_client, settings):
    settings.TRANSCRIPT_MAX_CHARS = 200
    archive, _ = poll_shape(feed_server, shapes, "archive")
    poll_shape(feed_server, shapes, "podcasting20")
    page = admin_client.get("/admin/lessons/source/").content.decode()
    assert "with cuts: the feed lists 730 items; the first 200 were read" in page
    assert "1 transcript cut (TRANSCRIPT_MAX_CHARS)" in page
    detail = admin_client.get(f"/admin/lessons/source/{archive.pk}/change/").content.decode()
    assert "530 left out" in detail


def test_a_304_says_not_modified_and_keeps_the_notes_of_the_feed_it_stands_for(feed_server, shapes):
    feed_server.routes["/archive/feed"].etag = '"archive-v1"'
    source, _ = poll_shape(feed_server, shapes, "archive")
    again = source_poll(source_id=source.pk, material_inline=True)
    assert again.line() == "Shape archive: not modified"
    source.refresh_from_db()
    assert source.last_poll_notes.startswith("the feed lists 730 items")


# --- 10. Links: FeedBurner, tracking, tables ------------------------------------------------------------------


def test_feedburners_original_link_is_used_without_its_tracking_parameters(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "feedburner")
    lesson = Lesson.objects.get(source=source)
    assert lesson.external_url == feed_server.url("/burned/post?id=7")
    assert "Paragraph 1 of the article about Burned" in lesson.material
    assert result.failed == 0


def test_tables_in_an_article_are_kept_as_text(feed_server, shapes):
    poll_shape(feed_server, shapes, "jekyll")
    material = Lesson.objects.get(title="QEMU 10.1.0 released").material
    assert "Gated tagger" in material
    assert "87.9" in material


# --- Issue 26, 7: links only a browser's address bar should see -----------------------------------------------


def test_javascript_data_and_vbscript_links_are_never_stored(feed_server, shapes):
    source, result = poll_shape(feed_server, shapes, "hostile")
    assert result.new == 1
    assert "2 items left out: no web link (http or https)" in result.line()
    lesson = Lesson.objects.get(source=source)
    assert lesson.external_url == feed_server.url("/hostile/fine")
    assert not hasattr(lesson, "material_fetch") or not lesson.material_fetch.transcript_url  # javascript: dropped
    stored = list(Lesson.objects.values_list("external_url", flat=True))
    assert all(url.startswith(("http://", "https://")) for url in stored)


# --- The whole set ----------------------------------------------------------------------------------------------


def test_sources_poll_reads_every_feed_of_the_set(feed_server, shapes):
    for name, shape in shapes.items():
        call_command(
            "source_add", "--name", f"Shape {name}", "--kind", shape.kind, "--feed-url", feed_server.url(shape.path),
            stdout=StringIO(),
        )  # fmt: skip
    out = StringIO()
    call_command("sources_poll", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert len(lines) == len(shapes)
    for source in Source.objects.all():
        assert source.last_error == "", (source.name, source.last_error)
        assert Lesson.objects.filter(source=source).exists(), source.name
    # Only the post whose page is gone counts as failed material (and still has the feed's text).
    failed = [line for line in lines if not line.split(";")[0].endswith(" 0 failed")]
    assert failed == ["Shape full-content: 2 new, 0 updated, 0 unchanged, 1 failed"]

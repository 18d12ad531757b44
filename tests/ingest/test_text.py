"""Show notes as text: the last chapter of a list that the source ended is never read as cut off (issue 24, item 14)."""

from __future__ import annotations

import pytest

from ingest.services import source_poll
from ingest.text import html_to_line, html_to_text
from lessons.chapters import chapters_parse, title_cut_off
from lessons.models import Lesson
from lessons.selectors import lesson_detail_get
from tests.accounts.factories import StaffUserFactory
from tests.ingest.conftest import source_for
from tests.ingest.server import Route

CHAPTERS = "0:00 Hello<br>2:10 Tools that write tools<br>9:45 Where it breaks"

ENDED = {
    "closing </p>": f"<p>{CHAPTERS}</p>",
    "a final <br>": f"{CHAPTERS}<br>",
    "a final <br/>": f"{CHAPTERS}<br/>",
    "a final <br /> inside </p>": f"<p>{CHAPTERS}<br /></p>",
    "nested blocks": f"<div><section><p>{CHAPTERS}</p></section></div>",
    "a linked title": "<p>0:00 Hello<br>9:45 <a href='https://example.com/x'>Where it breaks</a></p>",
    "a list": "<ul><li>0:00 Hello</li><li>2:10 Tools that write tools</li><li>9:45 Where it breaks</li></ul>",
    "CRLF after the block": f"<p>Notes.</p>\r\n<p>{CHAPTERS}</p>\r\n",
    "CRLF in the list": "<p>0:00 Hello<br>\r\n2:10 Tools that write tools<br>\r\n9:45 Where it breaks</p> \r\n",
    "upper-case tags": f"<P>{CHAPTERS}</P>",
    "plain text with a final newline": "0:00 Hello\n2:10 Tools that write tools\n9:45 Where it breaks\n",
    "plain text with a final CRLF": "0:00 Hello\r\n2:10 Tools that write tools\r\n9:45 Where it breaks\r\n",
}

CUT = {
    "text stops mid-word": "<p>0:00 Hello<br>2:10 Tools that write tools<br>9:45 Where it bre",
    "an inline tag stops mid-word": "<p>0:00 Hello<br>9:45 <a href='https://example.com/x'>Where it bre</a>",
    "plain text without a final newline": "0:00 Hello\n2:10 Tools that write tools\n9:45 Where it bre",
    "HTML whitespace is no line break": "<p>0:00 Hello<br>9:45 Where it bre\n",
}


@pytest.mark.parametrize("html", ENDED.values(), ids=ENDED.keys())
def test_a_chapter_list_the_source_ended_keeps_its_last_title_whole(html):
    text = html_to_text(html)
    chapters = chapters_parse(text)
    assert chapters[-1].title == "Where it breaks"
    assert not chapters[-1].truncated
    assert not title_cut_off(text, chapters[-1].title)
    assert text.endswith("Where it breaks\n")


@pytest.mark.parametrize("html", CUT.values(), ids=CUT.keys())
def test_a_list_the_source_cut_off_mid_word_is_still_marked(html):
    text = html_to_text(html)
    chapters = chapters_parse(text)
    assert chapters[-1].title == "Where it bre"
    assert chapters[-1].truncated
    assert title_cut_off(text, chapters[-1].title)


def test_the_final_line_break_is_one_and_only_where_there_is_text():
    assert html_to_text("<p>a</p>\n\n<p></p><br><br>") == "a\n"
    assert html_to_text("<p></p><br>") == ""
    assert html_to_text("   \n") == ""
    assert html_to_line("<p>A title</p>") == "A title"


@pytest.mark.django_db
def test_a_podcast_whose_notes_end_with_a_closed_paragraph_shows_no_cut_off_chapter(feed_server, settings):
    """The page asks the stored description, so the line break must survive the pipeline to the database."""
    base = feed_server.base
    feed_server.routes["/ended.rss"] = Route(
        body=f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ended</title><link>{base}/ended</link>
<item><title>Episode</title><link>{base}/ended/1</link><guid>ended-1</guid>
<description><![CDATA[<p>Show notes.</p><p>{CHAPTERS}</p>]]></description>
<enclosure url="{base}/ended/1.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>""".encode()
    )
    assert source_poll(source_id=source_for(feed_server, "/ended.rss", "podcast").pk, material_inline=True).new == 1
    lesson = Lesson.objects.get()
    staff = StaffUserFactory()
    detail = lesson_detail_get(slug=lesson.slug, user=staff, preview=True)
    assert [chapter.title for chapter in detail.chapters][-1] == "Where it breaks"
    assert not detail.chapters[-1].truncated

"""The summary hook: the sources pipeline asks lessons for summary lines, and the tutor writes them."""

from lessons import summaries
from tutor.summaries import summary_lines as tutor_summary_lines


def test_the_tutor_writes_the_lines_once_it_is_installed():
    assert summaries._writer == [tutor_summary_lines]


def test_without_a_writer_every_item_gets_no_suggestion(monkeypatch):
    monkeypatch.setattr(summaries, "_writer", [])
    assert summaries.summary_lines(items=[("Title", "Some text to summarise here."), ("Other", "More.")]) == ["", ""]
    assert summaries.summary_lines(items=[]) == []

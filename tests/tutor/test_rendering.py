"""Explanation Markdown as learners see it: sanitised, and linking only to the lesson and our own pages."""

from __future__ import annotations

from tutor.rendering import markdown_render

VIDEO = "https://www.youtube.com/watch?v=seed-lesson"
ALLOWED = [VIDEO, "/lessons/"]


def render(markdown: str) -> str:
    return markdown_render(markdown, allowed_link_prefixes=ALLOWED)


def test_headings_lists_and_emphasis_render():
    html = render("## Overview\n\n- **Model collapse** — a *quoted* sentence.\n\n1. A question?\n")

    assert "<h2>Overview</h2>" in html
    assert "<li><strong>Model collapse</strong> — a <em>quoted</em> sentence.</li>" in html
    assert "<ol>\n<li>A question?</li>\n</ol>" in html


def test_script_tags_and_event_handlers_never_reach_the_page():
    html = render("Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<div onclick=x>hi</div>\n")

    assert "<script" not in html
    assert "<img" not in html
    assert "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it was


def test_chapter_links_into_the_lessons_video_are_kept_and_open_in_a_new_tab():
    html = render(f"### [14:06 What is model collapse?]({VIDEO}&t=846s)\n")

    assert (
        f'<h3><a href="{VIDEO}&amp;t=846s" target="_blank" rel="noopener noreferrer">'
        "14:06 What is model collapse?</a></h3>"
    ) in html


def test_links_to_our_own_lesson_pages_are_kept_in_the_same_tab():
    html = render("- [Reading papers well](/lessons/reading-papers/) — how to read a paper.\n")

    assert '<a href="/lessons/reading-papers/">Reading papers well</a>' in html
    assert "target=" not in html


def test_foreign_links_become_plain_text():
    html = render(
        "See [this site](https://evil.example/phish), <https://evil.example/auto>, "
        "[another video](https://www.youtube.com/watch?v=seed-lessonX), "
        "[js](javascript:alert(1)) and [admin](/admin/).\n"
    )

    assert "<a " not in html
    assert "this site" in html
    assert "https://evil.example/auto" in html
    assert "another video" in html
    assert "admin" in html


def test_paths_that_climb_out_of_the_lessons_are_not_links():
    html = render("[up](/lessons/../admin/) and [encoded](/lessons/%2e%2e/admin/)\n")

    assert "<a " not in html
    assert "up and encoded" in html


def test_images_show_their_description_instead_of_loading_from_anywhere():
    html = render("![a tracking pixel](https://evil.example/pixel.png)\n")

    assert "<img" not in html
    assert "a tracking pixel" in html

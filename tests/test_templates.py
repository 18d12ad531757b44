"""Template hygiene the Django template language does not check for us."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_uses_a_multi_line_short_comment():
    """`{# ... #}` only works on one line; spread over several it is printed on the page."""
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\{#(?!.*#\})", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_a_page_title_names_the_page_then_the_site_and_escapes_once(client, db):
    from tests.lessons.factories import PublishedLessonFactory

    html = client.get("/").content.decode()
    assert "<title>Home · Learn ⚡</title>" in html
    lesson = PublishedLessonFactory(title="Q&A <live>")
    html = client.get(f"/lessons/{lesson.slug}/").content.decode()
    assert "<title>Q&amp;A &lt;live&gt; · Learn ⚡</title>" in html
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r"<title>[^<]+ · Learn ⚡</title>|<title>Learn ⚡</title>", html)

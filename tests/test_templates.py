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

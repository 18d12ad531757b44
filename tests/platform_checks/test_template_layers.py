"""Templates keep the house's layers too: they link other pages only through {% url %} (a path written by hand breaks
silently when an app moves its URLs, and shows a dead link when the app is left out), and they load template tags
only from their own app or the apps below it (an upper app's tags would break the lower app's pages without it).

The layers are read from the import-linter contract in pyproject.toml, so the drawing has one source."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A URL attribute whose value starts with one "/" (a path on this site; "//" is another site, "{" a tag).
HAND_WRITTEN_PATH = re.compile(
    r"""\b(?:href|src|action|formaction|hx-(?:get|post|put|patch|delete))\s*=\s*["']/(?![/{])"""
)
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _layers() -> list[set[str]]:
    """The apps from the top layer down, read from the "house" contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [house] = [contract for contract in config["contracts"] if contract["id"] == "house"]
    return [{name.strip() for name in re.split(r"[|:]", layer)} for layer in house["layers"]]


def _rank() -> dict[str, int]:
    """Each app's height: 0 at the bottom."""
    layers = _layers()
    return {app: len(layers) - 1 - index for index, layer in enumerate(layers) for app in layer}


def _templates() -> list[tuple[str, Path]]:
    """(owning app, file) for every template of ours; the root templates/ belong to every page, so to the bottom."""
    found = [("core", path) for path in (ROOT / "templates").rglob("*.html")]
    for app in _rank():
        found += [(app, path) for path in (ROOT / app / "templates").rglob("*.html")]
    return found


def _tag_libraries() -> dict[str, str]:
    """Our template tag libraries, by the name templates load them with, and the app each belongs to."""
    return {
        module.stem: app
        for app in _rank()
        for module in (ROOT / app / "templatetags").glob("*.py")
        if module.stem != "__init__"
    }


def test_the_layers_are_read_from_the_contract():
    rank = _rank()
    assert rank["core"] == 0
    assert rank["lessons"] == rank["credits"] > rank["accounts"]
    assert rank["tutor"] > rank["lessons"]
    assert len(_templates()) > 50


def test_templates_link_this_site_only_through_url_tags():
    hand_written = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {match.group(0)}…"
        for _, path in _templates()
        for text in [path.read_text()]
        for match in HAND_WRITTEN_PATH.finditer(text)
    ]
    assert hand_written == [], "Link with {% url 'app:name' %} instead:\n" + "\n".join(hand_written)


def test_templates_load_no_tags_of_an_app_above_or_beside_their_own():
    rank, libraries = _rank(), _tag_libraries()
    upward = [
        f"{path.relative_to(ROOT)} ({app}) loads {library!r} of {libraries[library]}"
        for app, path in _templates()
        for match in LOAD.finditer(path.read_text())
        for library in match.group(1).split()
        if library in libraries and libraries[library] != app and rank[libraries[library]] >= rank[app]
    ]
    assert upward == [], "A lower app offers a slot the upper app fills (lessons/slots.py):\n" + "\n".join(upward)

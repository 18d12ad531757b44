"""The docs stand alone and stay true: every relative link and file they name exists, they cite nothing outside the
repository, and the economy's table says what the code does."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from gamification import rewards

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
STATIC_DIRS = [ROOT / "static", *sorted(ROOT.glob("*/static"))]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A file or folder named in prose or code spans: words with a slash and a known ending, or a folder ending in "/".
FILE = re.compile(r"(?<![\w/.:<{-])((?:\.?[\w-]+/)+[\w.-]*\.(?:py|md|html|json|txt|toml|yml|yaml|sh|css|js|cfg|ini))\b")
# Written with character classes, so this file does not itself read as a reference to what it forbids.
OUTSIDE = re.compile(r"(DESIGN|NOTES|STYLE)[.]md|shared[/]seed|[.][.][/]shared|\b[Ii]ssue \d+")


def resolves(name: str, near: Path) -> bool:
    candidates = [near / name, ROOT / name]
    candidates += [folder / name for folder in TEMPLATE_DIRS + STATIC_DIRS]
    return any(path.exists() for path in candidates)


def test_there_are_docs_to_check():
    assert len(DOCS) >= 8


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_relative_link_resolves(doc):
    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # http(s), mailto, in-page anchors
        path = target.split("#", 1)[0]
        if path and not (doc.parent / path).exists():
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_file_the_doc_names_exists(doc):
    text = re.sub(r"https?://\S+", "", doc.read_text(encoding="utf-8"))
    missing = sorted({name for name in FILE.findall(text) if not resolves(name, doc.parent)})
    assert missing == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_no_doc_cites_what_the_repository_does_not_contain(doc):
    assert OUTSIDE.findall(doc.read_text(encoding="utf-8")) == []


def test_the_link_check_fails_on_a_missing_file(tmp_path):
    doc = tmp_path / "page.md"
    doc.write_text("See [the guide](guide.md) and `nowhere/missing.py`.", encoding="utf-8")
    assert LINK.findall(doc.read_text()) == ["guide.md"]
    assert not (tmp_path / "guide.md").exists()
    assert FILE.findall(doc.read_text()) == ["nowhere/missing.py"]
    assert not resolves("nowhere/missing.py", tmp_path)


def test_the_economy_table_states_the_codes_numbers():
    table = (ROOT / "docs" / "economy.md").read_text(encoding="utf-8")
    expected = [
        f"| welcome bonus | ⚡{settings.SIGNUP_BONUS} |",
        f"| default unlock price of a new lesson | ⚡{settings.UNLOCK_PRICE} |",
        f"| ⚡ per completed lesson | ⚡{rewards.LESSON_REWARD_CREDITS} |",
        f"| paid lessons per local day | {rewards.LESSON_REWARDS_PER_DAY} |",
        f"| ⚡ for finishing a course | ⚡{rewards.COURSE_REWARD_CREDITS} |",
        "| ⚡ at streak milestones 7 / 30 / 100 days | "
        + " / ".join(f"⚡{rewards.STREAK_MILESTONE_CREDITS[days]}" for days in (7, 30, 100))
        + " |",
        "| ⚡ for a league podium, 1st / 2nd / 3rd | "
        + " / ".join(f"⚡{credits}" for credits in rewards.LEAGUE_PODIUM_CREDITS)
        + " |",
        f"| price of a streak freeze | ⚡{rewards.FREEZE_PRICE_CREDITS} |",
    ]
    assert [line for line in expected if line not in table] == []

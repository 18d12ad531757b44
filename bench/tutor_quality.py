"""Tutor quality benchmark: scores the offline explanation of every lesson of the demo catalog.

    .venv/bin/python bench/tutor_quality.py            # SQLite, in a temporary folder; the demo catalog loaded fresh

For each lesson, as a learner who unlocked it would read it (concept links included):
- grounding: the share of the explanation's lines that are a sentence of some lesson's material (or pieces of it)
  or one of the study guide's fixed wordings around such pieces; the goal offline is 100 %;
- chapter coverage: the share of the lesson's chapters that get key points of their own (the others are listed in
  one "not covered" line);
- concept links: links from key terms to other lessons of the catalog;
- length: words of Markdown.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The study guide's fixed wordings: a line's text once these and the material in it are taken out must be empty.
TEMPLATES = (
    "In the lesson's own words:",
    "*From the lesson's description:*",
    "*From the lesson's text:*",
    "The lesson's material does not cover these chapters; watch them in the lesson:",
    "Here is how the lesson itself puts why this is worth your time:",
    "Also named in the material, without a definition:",
    "The lesson lists no chapters. Its key points, in the order it makes them:",
    "The lesson lists no chapters; here are the key points of its text, section by section.",
    "No related lessons are listed for this one yet.",
    "The material is too short to pick out key terms.",
    "This lesson's description and transcript have no sentence to quote yet.",
    "The lesson's material does not say yet why its subject matters.",
    "defined in the sentence quoted above",
    "The lesson lists no chapters, and the overview above already quotes all of its material.",
    "The lesson lists no chapters; here are its key points, stretch by stretch of its recording:",
)
# Fixed wordings inside a line, around a term and another lesson's title (after links are reduced to their text).
TEMPLATE_PATTERNS = (
    (re.compile(r"\s—\s(?:from|the subject of) the lesson\s"), " — "),
    (re.compile(r"^\*From the lesson (.*):\*$"), r"\1"),
)
# Questions are fixed sentences around a chapter's title or a term.
QUESTION_TEMPLATES = (
    r"The chapter “.+” \(\d+:\d{2}(?::\d{2})?\) asks a question\. How does the lesson answer it\?",
    r"In “.+”, what does the lesson say about .+\?",
    r"In your own words, what does the lesson mean by “.+”, and why does it come up\?",
    r"How does the lesson connect .+ and .+\?",
    r"What question does “.+” set out to answer, and what is its answer\?",
    r"Which idea from this lesson would you explain to a friend first, and how would you put it\?",
    r"What would you look up next to go further than this lesson does\?",
)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\(.)")


def normalise(text: str) -> str:
    from tutor.backends.base import text_normalise

    return text_normalise(text)


def line_grounded(line: str, corpus: str, section: str) -> bool:
    """Whether every piece of the line is material of some lesson or a fixed wording."""
    text = line.strip()
    text = re.sub(r"^(?:[->]\s*|\d+\.\s+)", "", text)
    if section == "## Check your understanding":
        return any(re.fullmatch(pattern, _ESCAPE.sub(r"\1", text)) for pattern in QUESTION_TEMPLATES)
    text = _ESCAPE.sub(r"\1", _LINK.sub(r"\1", text))
    for template in TEMPLATES:
        text = text.replace(template, " ")
    for pattern, replacement in TEMPLATE_PATTERNS:
        text = pattern.sub(replacement, text)
    # What is left is material: quoted sentences, terms, titles, summaries, timestamps, the lesson's facts.
    pieces = re.split(r"[“”]|\s[—·]\s|\*\*|\*|:\s|,\s|\.\s*$", text)
    for piece in pieces:
        piece = piece.strip(" .;:()\"'")
        if not piece or (re.fullmatch(r"[\d:]+(?:\s.*)?", piece) and normalise(piece.split(" ", 1)[-1]) in corpus):
            continue
        if re.fullmatch(r"\d+(?::\d{2}){0,2}", piece):  # a timestamp, or a year after a lesson's title
            continue
        if normalise(piece) not in corpus:
            return False
    return True


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="tutor-quality-"))
    os.environ["VAR_DIR"] = str(workdir)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECURE_SSL_REDIRECT="0",
        TUTOR_BACKEND="study_guide",
        STATIC_MANIFEST="0",
        DATABASE_URL=f"sqlite:///{workdir / 'quality.sqlite3'}",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run() -> None:
    import dataclasses

    import django

    django.setup()
    from django.core.management import call_command

    from lessons.models import Lesson
    from tutor.backends.study_guide import StudyGuideBackend
    from tutor.material import lesson_material
    from tutor.services.concepts import concepts_refresh, lesson_concepts, lesson_text

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    concepts_refresh()
    lessons = list(Lesson.objects.published().select_related("source", "category").prefetch_related("chapters"))
    # Everything any lesson says, plus the facts an overview names: what a grounded line may be made of.
    corpus = normalise(
        "\n".join(
            f"{lesson.title}\n{lesson.summary}\n{lesson.source.name}\n{lesson.get_level_display()}\n"
            f"{lesson.category.name if lesson.category else ''}\n{lesson_text(lesson)}"
            for lesson in lessons
        )
    )
    backend = StudyGuideBackend()
    rows = []
    for lesson in sorted(lessons, key=lambda item: item.slug):
        material = dataclasses.replace(lesson_material(lesson), concepts=lesson_concepts(lesson=lesson))
        markdown = backend.generate(material).markdown
        section = ""
        grounded = total = 0
        ungrounded: list[str] = []
        for line in markdown.splitlines():
            if line.startswith("## "):
                section = line.strip()
                continue
            if not line.strip() or line.startswith("### ") or line.strip() == ">":
                continue
            total += 1
            if line_grounded(line, corpus, section):
                grounded += 1
            else:
                ungrounded.append(line)
        chapters = len(material.chapters)
        covered = sum(1 for line in markdown.splitlines() if line.startswith("### "))
        links = len(re.findall(r"\]\(/lessons/[^)]+\)", markdown.split("## Key terms", 1)[1].split("## ", 1)[0]))
        rows.append((lesson.slug, grounded / total if total else 1.0, covered, chapters, links, len(markdown.split())))
        for line in ungrounded[:3]:
            print(f"  not traced in {lesson.slug}: {line[:140]}")

    print(f"{'lesson':<58} {'grounding':>9} {'chapters':>9} {'links':>6} {'words':>6}")
    for slug, grounding, covered, chapters, links, words in rows:
        chapter_cell = f"{covered}/{chapters}" if chapters else "-"
        print(f"{slug[:58]:<58} {grounding:>9.0%} {chapter_cell:>9} {links:>6} {words:>6}")
    with_chapters = [(covered, chapters) for _, _, covered, chapters, _, _ in rows if chapters]
    print(
        f"\n{len(rows)} lessons: grounding mean {statistics.mean(row[1] for row in rows):.1%}, "
        f"min {min(row[1] for row in rows):.1%}; "
        f"chapters with key points {sum(c for c, _ in with_chapters)}/{sum(n for _, n in with_chapters)} "
        f"over {len(with_chapters)} lessons with chapters; "
        f"concept links {sum(row[4] for row in rows)} in {sum(1 for row in rows if row[4])} lessons; "
        f"median length {statistics.median(row[5] for row in rows):.0f} words"
    )


if __name__ == "__main__":
    raise SystemExit(main())

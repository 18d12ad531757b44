"""Ask-the-tutor retrieval benchmark: a fixed set of questions with the passage that answers each (or none).

    .venv/bin/python bench/answers.py                 # SQLite in a temporary folder
    DATABASE_URL=postgres://… .venv/bin/python bench/answers.py   # a bench database beside it, dropped afterwards
    .venv/bin/python bench/answers.py --misses        # also list every question answered wrongly

The set (bench/answers_set.json) asks lessons of the demo catalog and the lessons of bench/answers_material.py (an
hour-and-a-half lecture with chapters and a timed transcript, a three-hour lecture without chapters, an article, an
arXiv abstract) the way learners ask: naming a moment or a chapter, "what is X?", or about what the lesson never says.
Each question goes through the worker's own retrieval (`tutor.retrieval.answer_passages`: the lesson's passages and
its linked lessons', ranked), and is scored:

- recall@1 and recall@3 on covered questions: the expected passage is the first, or among the three quoted;
- found precision: of the questions answered "found", the share that the material covers;
- not-found precision: of the questions answered "not covered", the share that it really does not cover;
- citations: the share of found answers citing a moment or chapter link (lessons with a transcript or chapters) or
  a link to the passage's own text.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, bench_run

SET = ROOT / "bench" / "answers_set.json"


def lessons_create() -> None:
    from bench.answers_material import LESSONS
    from lessons.chapters import chapters_parse
    from lessons.models import Chapter, Lesson, LessonStatus, Source

    source, _ = Source.objects.get_or_create(name="Answers bench", defaults={"kind": "url"})
    for item in LESSONS:
        lesson = Lesson.objects.create(
            title=item.title,
            slug=item.slug,
            source=source,
            kind=item.kind,
            external_url=item.external_url,
            description=item.description,
            transcript=item.transcript,
            material=item.material,
            duration_seconds=item.duration_seconds,
            status=LessonStatus.PUBLISHED,
        )
        Chapter.objects.bulk_create(
            Chapter(lesson=lesson, start_seconds=chapter.start_seconds, title=chapter.title, position=position)
            for position, chapter in enumerate(chapters_parse(item.description))
        )


def _fold(text: str) -> str:
    from tutor.retrieval import text_fold

    return " ".join(text_fold(text).split())


def run(*, misses: bool) -> None:
    import time

    import django

    django.setup()
    from django.core.management import call_command

    from lessons.models import Lesson
    from tutor.retrieval import answer_passages
    from tutor.services.concepts import concepts_refresh

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    lessons_create()
    concepts_refresh()
    questions = json.loads(SET.read_text(encoding="utf-8"))["questions"]
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.prefetch_related("chapters")}

    covered = hit1 = hit3 = 0
    found_right = found_wrong = not_found_right = not_found_wrong = 0
    cited = chapter_hits = chapter_covered = 0
    wrong: list[str] = []
    started = time.perf_counter()
    for item in questions:
        lesson = lessons[item["lesson"]]
        retrieved = answer_passages(lesson, item["question"])
        texts = [_fold(passage.text) for passage in retrieved.passages if passage.own]
        expect = _fold(item["expect"]) if item["expect"] else None
        if expect is None:
            if retrieved.found:
                found_wrong += 1
                wrong.append(f"found, not covered: [{item['lesson']}] {item['question']} -> {texts[:1]}")
            else:
                not_found_right += 1
            continue
        covered += 1
        first = bool(texts) and expect in texts[0]
        top3 = any(expect in text for text in texts[:3])
        hit1 += first
        hit3 += top3
        if item["kind"] == "chapter":
            chapter_covered += 1
            chapter_hits += top3
        if retrieved.found:
            found_right += 1
            own = [p for p in retrieved.passages if p.own]
            linked = any(p.start_seconds is not None or p.chapter_start is not None for p in own)
            linked = linked or retrieved.chapter is not None
            has_moments = bool(lesson.transcript) or lesson.chapters.exists()
            cited += linked if has_moments else any(p.url for p in own)
        else:
            not_found_wrong += 1
        if not top3:
            wrong.append(f"missed: [{item['lesson']}] {item['question']} -> {texts[:3]}")
    elapsed = time.perf_counter() - started
    uncovered = len(questions) - covered
    found = found_right + found_wrong
    not_found = not_found_right + not_found_wrong
    print(
        f"{len(questions)} questions over {len({item['lesson'] for item in questions})} lessons: {covered} covered "
        f"({chapter_covered} of them naming a moment or chapter), {uncovered} not covered"
    )
    print(f"recall@1 (covered)                {hit1 / covered:.3f}  ({hit1}/{covered})")
    print(f"recall@3 (covered)                {hit3 / covered:.3f}  ({hit3}/{covered})")
    print(f"recall@3 (moment/chapter)         {chapter_hits / chapter_covered:.3f}  ({chapter_hits}/{chapter_covered})")
    print(f"found precision                   {found_right / found:.3f}  ({found_right}/{found})")
    print(f"not-found precision               {not_found_right / not_found:.3f}  ({not_found_right}/{not_found})")
    print(f"not-found recall                  {not_found_right / uncovered:.3f}  ({not_found_right}/{uncovered})")
    print(f"found answers citing a link       {cited / found_right:.3f}  ({cited}/{found_right})")
    print(f"time per question                 {elapsed / len(questions) * 1000:.0f} ms")
    if misses:
        print("\n".join(["", *wrong]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the questions answered wrongly")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    arguments = parser.parse_args()
    return bench_run(
        name="answers",
        keep=arguments.keep,
        env={"TUTOR_BACKEND": "study_guide"},
        run=lambda: run(misses=arguments.misses),
    )


if __name__ == "__main__":
    raise SystemExit(main())

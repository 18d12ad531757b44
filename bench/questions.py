"""Check questions benchmark: generates the questions of every published lesson of the demo catalog and checks them.

    .venv/bin/python bench/questions.py                   # SQLite in a temporary folder, the demo loaded fresh
    DATABASE_URL=postgres://… .venv/bin/python bench/questions.py   # a throwaway `<db>_questions_bench` database

Prints, over the published lessons (TUTOR_BACKEND=study_guide: the offline kinds):
- lessons with at least 3 live questions, of all published;
- questions by kind and origin;
- generated questions whose right answer is found in their passage (must be 100 %);
- duplicate or ambiguous questions: not exactly one right choice, a choice equal to the prompt, two equal choices,
  two questions of a lesson with the same prompt (must be 0);
- the time the catalog's generation took, and the same run again (nothing changed: nothing written).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from harness import bench_run

QUESTIONS_MIN = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--show", type=int, default=0, help="print this many lessons' questions")
    args = parser.parse_args()
    env = {"TUTOR_BACKEND": "study_guide", "LOG_LEVEL": "WARNING"}
    return bench_run(name="questions", keep=args.keep, env=env, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lessons.models import Lesson
    from practice.generation.questions import GeneratedChoice, GeneratedQuestion, question_problems, text_key
    from practice.models import CheckQuestion, QuestionOrigin, QuestionStatus
    from practice.services.generated import lesson_checks_generate
    from tutor.services.concepts import concepts_refresh

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    concepts_refresh()
    lessons = list(Lesson.objects.published().order_by("slug"))

    started = time.perf_counter()
    stored = sum(lesson_checks_generate(lesson_id=lesson.pk) for lesson in lessons)
    first_run = time.perf_counter() - started
    started = time.perf_counter()
    again = sum(lesson_checks_generate(lesson_id=lesson.pk) for lesson in lessons)
    second_run = time.perf_counter() - started

    live = list(
        CheckQuestion.objects.filter(lesson__in=lessons, status=QuestionStatus.LIVE)
        .select_related("lesson")
        .prefetch_related("choices")
        .order_by("lesson__slug", "position")
    )
    per_lesson = Counter(question.lesson_id for question in live)
    enough = sum(per_lesson[lesson.pk] >= QUESTIONS_MIN for lesson in lessons)
    generated = [q for q in live if q.origin != QuestionOrigin.HAND]
    found = 0
    problems: Counter[str] = Counter()
    prompts: Counter[tuple[int, str]] = Counter()
    for question in live:
        as_generated = GeneratedQuestion(
            kind=question.kind,
            prompt=question.prompt,
            choices=tuple(GeneratedChoice(c.text, c.is_correct) for c in question.choices.all()),
            passage=question.passage,
            explanation=question.explanation,
        )
        prompts[(question.lesson_id, text_key(question.prompt))] += 1
        for problem in question_problems(as_generated):
            if problem == "the answer is not in the passage":
                continue  # counted below, for generated questions
            problems[problem] += 1
        if question.origin != QuestionOrigin.HAND and "the answer is not in the passage" not in question_problems(
            as_generated
        ):
            found += 1
    problems["two questions of a lesson with the same prompt"] = sum(count - 1 for count in prompts.values())

    print(f"database: {connection.vendor}; backend: offline kinds (study_guide)")
    print(f"published lessons: {len(lessons)}")
    percent = 100 * enough / len(lessons)
    print(f"lessons with ≥ {QUESTIONS_MIN} live questions: {enough} of {len(lessons)} ({percent:.0f} %)")
    counts = sorted(per_lesson[lesson.pk] for lesson in lessons)
    median = counts[len(counts) // 2]
    print(f"live questions: {len(live)} (per lesson: min {counts[0]}, median {median}, max {counts[-1]})")
    kinds = Counter((q.origin, q.kind) for q in live)
    print("by origin and kind: " + ", ".join(f"{o}/{k} {n}" for (o, k), n in sorted(kinds.items())))
    share = 100 * found / len(generated) if generated else 100.0
    print(f"generated questions whose answer is found in their passage: {found} of {len(generated)} ({share:.1f} %)")
    print(f"duplicate or ambiguous questions: {sum(problems.values())}")
    for problem, count in sorted(problems.items()):
        print(f"  {problem}: {count}")
    print(f"generation over the catalog: {stored} stored in {first_run:.1f} s")
    print(f"generation again, nothing changed: {again} stored in {second_run:.2f} s")
    for question in live[: args.show * 4]:
        print(f"\n[{question.lesson.slug}] {question.kind}: {question.prompt}")
        for choice in question.choices.all():
            print(f"   {'*' if choice.is_correct else ' '} {choice.text}")
        print(f"   passage: {question.passage}")


if __name__ == "__main__":
    sys.exit(main())

"""Tutor benchmark: unlock-to-visible time for an explanation already written, and study-guide generation time for a
lesson with a one-hour transcript (synthetic, ~9,000 words, 12 chapters).

    .venv/bin/python bench/tutor.py                      # SQLite, in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform .venv/bin/python bench/tutor.py

With PostgreSQL it creates its own database (the named one with a `_tutor_bench` suffix) and drops it at the end
(`--keep` keeps it); the database DATABASE_URL names is never touched. No broker is needed: generation runs in-process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections.abc import Callable

from harness import bench_run

WORDS_PER_CUE = 12.5
CUE_SECONDS = 5
HOUR = 3600
CHAPTERS = 12

# A small vocabulary of the subject, so TF-IDF and keyword extraction have something like real speech to rank.
TOPIC_WORDS = (
    *("model", "training", "data", "evaluation", "loop", "agent", "reasoning", "transformer", "attention"),
    *("benchmark", "verification", "reliability", "horizon", "scaling", "compute", "research", "feedback"),
    *("reward", "policy", "gradient", "pipeline", "memory", "context", "retrieval", "error", "generalization"),
    *("specialization", "collapse", "synthetic", "distillation", "frontier", "automation", "experiment"),
)
GLUE = ("the", "a", "of", "to", "and", "in", "that", "is", "it", "we", "for", "on", "with", "as", "this", "so")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call: Callable[[], object], repeat: int, *, before: Callable[[], object] | None = None) -> list[float]:
    """Milliseconds per call, `repeat` samples; `before` runs untimed before each call (setting up its input)."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def summary(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms (n={len(samples)})"


def one_hour_transcript(seed: int = 42) -> tuple[str, list[tuple[int, str]]]:
    """A WebVTT transcript of an hour of speech (~9,000 words in 5-second cues) and 12 chapters, made up but
    shaped like a talk: each chapter dwells on a few words of its own."""
    rng = random.Random(seed)
    chapter_length = HOUR // CHAPTERS
    chapters = []
    for number in range(CHAPTERS):
        words = rng.sample(TOPIC_WORDS, 3)
        chapters.append((number * chapter_length, f"{words[0].title()} and {words[1]} in {words[2]}"))
    cues = ["WEBVTT", ""]
    words_written = 0
    for cue in range(HOUR // CUE_SECONDS):
        start = cue * CUE_SECONDS
        focus = chapters[start // chapter_length][1].lower().split()
        count = round(WORDS_PER_CUE * (cue + 1)) - words_written
        words = [
            rng.choice(focus) if rng.random() < 0.2 else rng.choice(TOPIC_WORDS if rng.random() < 0.4 else GLUE)
            for _ in range(count)
        ]
        words_written += count
        sentence = " ".join(words).capitalize() + "."
        cues += [f"{_clock(start)}.000 --> {_clock(start + CUE_SECONDS)}.000", sentence, ""]
    return "\n".join(cues), chapters


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--unlocks", type=int, default=300, help="unlocks of a ready explanation to time")
    parser.add_argument("--generations", type=int, default=5, help="study-guide runs on the one-hour lesson")
    parser.add_argument("--questions", type=int, default=10, help="questions answered on the one-hour lesson")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    args = parser.parse_args()

    env = {
        "TUTOR_BACKEND": "study_guide",
        # Questions are timed, not charged or limited: every one is free and none is refused.
        "TUTOR_FREE_QUESTIONS": "1000000",
        "TUTOR_QUESTIONS_PER_HOUR": "1000000",
        "CONN_MAX_AGE": "0",  # read only with PostgreSQL
    }
    return bench_run(name="tutor", keep=args.keep, env=env, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from credits.models import EntryKind
    from credits.services import credits_grant
    from lessons.models import Category, Chapter, Lesson, Source
    from tutor import services
    from tutor.backends.study_guide import StudyGuideBackend
    from tutor.material import lesson_material
    from tutor.models import Explanation
    from tutor.selectors import explanation_html, tutor_panel_get
    from tutor.services import generation as services_generation

    setup_test_environment()  # the test client's host is allowed
    # No broker: unlocks that need a generation would hand it to one; here the bench runs the worker's job itself.
    services_generation.__dict__["_generation_send"] = lambda explanation_id: None
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"database: {vendor} ({connection.settings_dict['NAME']}, made for this run)")

    source = Source.objects.create(name="Bench Podcast", kind="podcast")
    category = Category.objects.create(name="Bench", slug="bench", icon="📄")
    transcript, chapter_list = one_hour_transcript()
    lesson = Lesson.objects.create(
        title="An hour on loops, agents and verification",
        slug="bench-hour",
        source=source,
        kind="youtube",
        external_url="https://www.youtube.com/watch?v=bench",
        category=category,
        description="A long conversation, recorded for the benchmark. " * 5,
        transcript=transcript,
        duration_seconds=HOUR,
        status=Lesson.Status.PUBLISHED,
    )
    Chapter.objects.bulk_create(
        Chapter(lesson=lesson, start_seconds=start, title=title, position=n)
        for n, (start, title) in enumerate(chapter_list)
    )
    words = sum(len(line.split()) for line in transcript.splitlines() if line and "-->" not in line) - 1
    print(f"lesson: one-hour WebVTT transcript, {words:,} words, {len(chapter_list)} chapters")

    # --- study-guide generation ---------------------------------------------------------------------------------
    material = lesson_material(lesson)
    backend = StudyGuideBackend()
    cold = timed(lambda: backend.generate(material), 1)[0]
    warm = timed(lambda: backend.generate(material), args.generations)
    markdown = backend.generate(material).markdown
    print(f"study guide, first run in this process: {cold / 1000:.2f} s")
    print(f"study guide, later runs: {summary(warm)}; {len(markdown):,} characters of Markdown")

    def learner(number: int) -> User:
        user = User.objects.create_user(email=f"learner{number}@bench.local", password=None)
        credits_grant(user=user, amount=40, kind=EntryKind.REWARD, reason="Bench", idempotency_key="bench")
        return user

    first = learner(0)
    result = services.unlock(user=first, lesson=lesson, idempotency_key="bench-0")
    write_ms = timed(
        lambda: services.explanation_write(explanation_id=result.explanation.pk, claimant="bench", final_attempt=True),
        1,
    )[0]
    explanation = Explanation.objects.get(pk=result.explanation.pk)
    assert explanation.status == "ready", explanation.error
    print(f"worker's whole job (claim, generate, store, capture one hold): {write_ms / 1000:.2f} s")

    render = timed(lambda: explanation_html(explanation), 50)
    print(f"rendering the ready explanation to sanitised HTML: {summary(render)}")

    # --- Ask the tutor: the worker's whole job for one question on the one-hour lesson ---------------------------
    from tutor.services import questions as services_questions

    services_questions.__dict__["_answer_send"] = lambda question_id: None
    asked = iter(range(10_000))

    def question_new() -> None:
        number = next(asked)
        text = (
            "How does verification help reliability over a long horizon?"
            if number % 2
            else "What is the capital of France?"
        )
        current_question[0] = services.question_ask(
            user=first, lesson=lesson, text=text, idempotency_key=f"bench-question-{number}"
        ).question.pk

    current_question = [0]
    answer_ms = timed(
        lambda: services.question_answer(question_id=current_question[0]), args.questions + 1, before=question_new
    )
    print(
        "answer written for a question on the one-hour lesson (claim, BM25 over its passages, store, settle): "
        f"first in this process {answer_ms[0]:.0f} ms, then {summary(answer_ms[1:])}"
    )

    # --- unlock-to-visible for an explanation already written ------------------------------------------------------
    users = [learner(number) for number in range(1, 3 * args.unlocks + 2)]
    pool = iter(users)
    current = [users[0]]  # the learner of the next timed call, picked untimed

    def next_learner() -> None:
        current[0] = next(pool)

    service_ms = timed(
        lambda: services.unlock(user=current[0], lesson=lesson, idempotency_key="k"), args.unlocks, before=next_learner
    )

    def fragment() -> str:
        panel = tutor_panel_get(user=current[0], lesson=lesson)
        return render_to_string("tutor/_panel.html", {"panel": panel, "unlock_key": "k"})

    def unlock_and_render() -> None:
        services.unlock(user=current[0], lesson=lesson, idempotency_key="k")
        html = fragment()
        assert "AI tutor explanation" in html

    both_ms = timed(unlock_and_render, args.unlocks, before=next_learner)

    client = Client()

    def http_unlock() -> None:
        response = client.post(
            f"/lessons/{lesson.slug}/tutor/unlock", {"idempotency_key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert b"AI tutor explanation" in response.content

    http_ms = timed(http_unlock, args.unlocks, before=lambda: client.force_login(next(pool)))
    from django.test.utils import CaptureQueriesContext

    next_learner()
    with CaptureQueriesContext(connection) as queries:
        services.unlock(user=current[0], lesson=lesson, idempotency_key="counted")
    print(f"unlock of a ready explanation, service only: {summary(service_ms)}, {len(queries)} queries")
    print(f"unlock-to-visible, service + rendering the tutor fragment: {summary(both_ms)}")
    print(f"unlock-to-visible through the view (POST with htmx → fragment): {summary(http_ms)}")


if __name__ == "__main__":
    raise SystemExit(main())

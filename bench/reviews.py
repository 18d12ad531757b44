"""Spaced-review benchmark: the due queue of a learner with 10,000 cards, and review answers per second.

Run with DATABASE_URL pointing at PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform .venv/bin/python bench/reviews.py

It creates its own database (the named one with a `_reviews_bench` suffix), migrates it, writes the cards, measures,
and drops it at the end (`--keep` keeps it). Targets: the due queue (`review_queue_for`, what /review/ and
`GET /api/v1/me/reviews` read) in p95 < 20 ms for a learner with 10,000 cards; at least 500 review answers a second
across learners (`review_answer`, the whole write: locks, the choices, FSRS, XP through gamification, the log, for
the right answer as the review page sends it; the daily cap is raised so that every answer pays), judged with the
web's own shape of three processes of two threads (the median of three rounds). Without PostgreSQL it says so and
exits 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from harness import bench_run

CARDS = 10_000
LESSONS = 200
TARGET_QUEUE_P95_MS = 20.0
TARGET_ANSWERS_PER_SECOND = 500.0
GUNICORN_WORKERS, GUNICORN_THREADS = 3, 2  # platform/gunicorn.conf.py's defaults
JUDGED_ROUNDS = 3


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return statistics.median(samples_ms), cuts[94], cuts[98]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after a few warm-up calls."""
    for _ in range(5):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def build_catalog() -> list[int]:
    from django.utils import timezone

    from lessons.models import Category, Lesson, Source

    category = Category.objects.create(name="Bench", slug="bench")
    source = Source.objects.create(name="Bench source", url="https://bench.example.com/")
    Lesson.objects.bulk_create(
        Lesson(
            title=f"Bench lesson {n}",
            slug=f"bench-lesson-{n}",
            source=source,
            category=category,
            external_url=f"https://bench.example.com/{n}",
            summary="A lesson for the bench.",
            status="published",
            published_at=timezone.localdate(),
        )
        for n in range(LESSONS)
    )
    return list(Lesson.objects.order_by("id").values_list("id", flat=True))


def build_learner_cards(*, user, lesson_ids: list[int], cards: int, due_now: int) -> None:
    """`cards` cards for one learner: a fifth check cards (each on its own question, with two choices), the rest key
    terms; `due_now` of them due, the others spread over the next 90 days, as a learner's history leaves them."""
    from django.utils import timezone

    from practice.models import CardKind, CardState, CheckChoice, CheckQuestion, ReviewCard

    now = timezone.now()
    rng = random.Random(7)
    checks = cards // 5
    questions = CheckQuestion.objects.bulk_create(
        CheckQuestion(lesson_id=lesson_ids[n % len(lesson_ids)], prompt=f"Bench question {user.pk}-{n}?")
        for n in range(checks)
    )
    CheckChoice.objects.bulk_create(
        CheckChoice(question=question, text=text, is_correct=text == "right", position=position)
        for question in questions
        for position, text in enumerate(("wrong", "right"))
    )
    due_slots = set(rng.sample(range(cards), due_now))

    def due_at(index: int):
        if index in due_slots:
            return now - timedelta(minutes=rng.randint(1, 60 * 24 * 5))
        return now + timedelta(minutes=rng.randint(10, 60 * 24 * 90))

    rows = []
    for index in range(cards):
        common = {
            "user": user,
            "state": CardState.REVIEW,
            "step": None,
            "stability": rng.uniform(1, 60),
            "difficulty": rng.uniform(2, 8),
            "due": due_at(index),
            "last_review": now - timedelta(days=rng.randint(1, 60)),
            "reviews": 2,
        }
        if index < checks:
            question = questions[index]
            rows.append(ReviewCard(kind=CardKind.CHECK, lesson_id=question.lesson_id, question=question, **common))
        else:
            lesson_id = lesson_ids[index % len(lesson_ids)]
            rows.append(
                ReviewCard(
                    kind=CardKind.TERM,
                    lesson_id=lesson_id,
                    term=f"term {index}",
                    definition=f"The term {index} is what the bench calls card {index}.",
                    **common,
                )
            )
    ReviewCard.objects.bulk_create(rows, batch_size=2000)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from practice.header_due import due_count_for
    from practice.models import CheckChoice, ReviewCard
    from practice.selectors import review_due_count, review_queue_for
    from practice.services import review_answer

    call_command("migrate", verbosity=0)
    if args.orm:  # the path SQLite takes, on PostgreSQL: to compare with the plain statements
        from gamification.services import statements as xp_statements
        from practice.services import review_statements

        xp_statements.available = review_statements.available = lambda: False
        print("answers through the ORM path (--orm)")
    started = time.perf_counter()
    lesson_ids = build_catalog()
    heavy = User.objects.create_user(email="heavy@bench.example.com", password=None)
    build_learner_cards(user=heavy, lesson_ids=lesson_ids, cards=args.cards, due_now=args.due)
    learners = [
        User.objects.create_user(email=f"learner{n}@bench.example.com", password=None) for n in range(args.learners)
    ]
    for learner in learners:
        build_learner_cards(user=learner, lesson_ids=lesson_ids, cards=args.per_learner, due_now=args.per_learner)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum leaves behind: visibility maps for index-only scans
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(f"{server}; {ReviewCard.objects.count():,} cards written and analysed in "
          f"{time.perf_counter() - started:.1f} s ({args.cards:,} for one learner, {args.due} of them due; "
          f"{args.learners} more learners with {args.per_learner} due each)")  # fmt: skip
    print(f"on {os.cpu_count()} cores shared with whatever else the machine runs: figures are upper bounds on time")

    # --- The due queue --------------------------------------------------------------------------------------------
    with CaptureQueriesContext(connection) as captured:
        queue = review_queue_for(user=heavy)
    print(f"due queue: {queue.due_count} due, {len(queue.items)} items, {len(captured.captured_queries)} queries")
    if args.explain:
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
    failures = 0
    print(f"{'read':<44} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  target")
    rows: list[tuple[str, Callable[[], object], float | None]] = [
        ("due queue, 20 items (review_queue_for)", lambda: review_queue_for(user=heavy), TARGET_QUEUE_P95_MS),
        ("due queue, 100 items (the API's most)", lambda: review_queue_for(user=heavy, limit=100), None),
        ("due count, uncached (review_due_count)", lambda: review_due_count(user=heavy), None),
        ("header due count, cached (due_count_for)", lambda: due_count_for(heavy.pk), None),
    ]
    for label, call, target in rows:
        p50, p95, p99 = percentiles(timed(call, args.repeat))
        verdict = "" if target is None else ("ok" if p95 < target else f"MISSED (< {target:.0f})")
        failures += bool(target is not None and p95 >= target)
        print(f"{label:<44} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}  {verdict}")

    # --- Answers per second across learners -----------------------------------------------------------------------
    # Each answer is what the review page sends: the right choice of a check card, or the term typed, 20 seconds
    # after the card was shown (graded "good"): the card, its choices, FSRS, XP and the log, every one paying.
    right_choice = dict(
        CheckChoice.objects.filter(is_correct=True, question__cards__user__in=learners).values_list(
            "question__cards", "pk"
        )
    )
    queues: dict[int, list[tuple[int, str | int]]] = {
        learner.pk: [
            (card_id, right_choice.get(card_id, term))
            for card_id, term in ReviewCard.objects.filter(user=learner).order_by("pk").values_list("id", "term")
        ]
        for learner in learners
    }

    def answer_share(learners_share: list, threads: int, counts, errors, ready, go) -> None:
        """Answer the next cards of `learners_share` in `threads` threads of this process (as a gunicorn worker's
        threads would), adding to the shared counts; errors are reported by text. Each thread opens its database
        connection first, as a running worker holds one (CONN_MAX_AGE), then waits for `go`."""
        groups = [learners_share[index::threads] for index in range(threads)]

        def work(group: list) -> None:
            try:
                connection.ensure_connection()
                with ready.get_lock():
                    ready.value += 1
                go.wait()
                for learner in group:
                    for card_id, choice in queues[learner.pk][: args.answers_per_learner]:
                        result = review_answer(user=learner, card_id=card_id, choice=choice, seconds=20)
                        if not (result.correct and result.xp_awarded):
                            raise RuntimeError(f"card {card_id}: a measured answer was wrong or unpaid")
                        with counts.get_lock():
                            counts.value += 1
            except BaseException as error:  # reported below
                errors.put(repr(error))
            finally:
                connections.close_all()

        workers = [threading.Thread(target=work, args=(group,)) for group in groups]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def answer_round(processes: int, threads: int) -> tuple[int, float, list[str]]:
        """`processes` forked processes of `threads` threads each answer their share of the learners' next cards;
        (answers, seconds, errors). The clock starts once every thread is up and connected, as gunicorn's workers
        are before they take requests, and stops when the last answer is written."""
        context = multiprocessing.get_context("fork")
        counts, ready, go = context.Value("i", 0), context.Value("i", 0), context.Event()
        errors = context.Queue()
        connections.close_all()  # a forked child must open its own connection
        shares = [learners[index::processes] for index in range(processes)]
        children = [
            context.Process(target=answer_share, args=(share, threads, counts, errors, ready, go))
            for share in shares
            if share
        ]
        for child in children:
            child.start()
        while ready.value < len(children) * threads and any(child.is_alive() for child in children):
            time.sleep(0.005)
        start = time.perf_counter()
        go.set()
        for child in children:
            child.join()
        elapsed = time.perf_counter() - start
        said = []
        while not errors.empty():
            said.append(errors.get())
        return counts.value, elapsed, said

    # (processes, threads): one thread; one process's threads, which share one interpreter lock; and gunicorn's
    # default shape (platform/gunicorn.conf.py: 3 workers of 2 threads), which is how the web answers and is judged.
    # The judged shape runs JUDGED_ROUNDS rounds and is judged on their median: a round is about two seconds, and one
    # checkpoint or autovacuum pass inside it moves its figure by a fifth.
    judged_shape = (GUNICORN_WORKERS, GUNICORN_THREADS)
    shapes = [(1, 1), (1, 4), *[judged_shape] * JUDGED_ROUNDS]
    judged_rates = []
    for processes, threads in shapes:
        answered, elapsed, errors = answer_round(processes, threads)
        rate = answered / elapsed
        failures += bool(errors)
        if (processes, threads) == judged_shape:
            judged_rates.append(rate)
        shape = f"{processes} process(es) x {threads} thread(s)"
        print(f"review answers, {shape:<28} over {args.learners} learners: {answered:,} in {elapsed:.2f} s "
              f"= {rate:,.0f}/s{f'; {len(errors)} errors: {errors[0]}' if errors else ''}")  # fmt: skip
        for learner in learners:  # the next round answers the next cards
            queues[learner.pk] = queues[learner.pk][args.answers_per_learner :]
    median = statistics.median(judged_rates)
    ok = median >= TARGET_ANSWERS_PER_SECOND
    failures += not ok
    print(f"review answers, judged ({judged_shape[0]} x {judged_shape[1]}, median of {JUDGED_ROUNDS} rounds): "
          f"{median:,.0f}/s  {'ok' if ok else f'below {TARGET_ANSWERS_PER_SECOND:.0f}/s'}")  # fmt: skip
    print("all targets met" if not failures else f"{failures} target(s) missed")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cards", type=int, default=CARDS, help="cards of the measured learner")
    parser.add_argument("--due", type=int, default=600, help="of which due now")
    parser.add_argument("--learners", type=int, default=40, help="learners answering at once")
    parser.add_argument("--per-learner", type=int, default=150, help="due cards of each of them (five rounds)")
    parser.add_argument("--answers-per-learner", type=int, default=25, help="answers per learner per round")
    parser.add_argument("--repeat", type=int, default=300, help="timed calls per read")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE for the queue's statements")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--orm", action="store_true", help="answer through the ORM path, as SQLite does (to compare)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench/reviews.py: skipped, it measures PostgreSQL (set DATABASE_URL=postgres://...).")
        return 0
    env = {"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "testserver", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING"}
    # Every measured answer pays XP (the whole write): no learner reaches the daily cap within the bench.
    env["REVIEW_XP_DAILY_CAP"] = "100000"
    return bench_run(name="reviews", keep=args.keep, env=env, run=lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())

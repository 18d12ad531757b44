"""Search benchmark: the catalog's `?q=` search over 100,000 published lessons on PostgreSQL, p50/p95/p99 per query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform .venv/bin/python bench/search.py

It creates its own database (the named one with a `_search_bench` suffix), migrates it, writes the lessons with one
INSERT ... SELECT over generate_series (titles, summaries and descriptions drawn from a vocabulary whose word
frequencies fall off as 1/rank, as words in real text do), runs ANALYZE, and times each query two ways:

- selector: `catalog_page_get` for a visitor, as the catalog view calls it (the count for the paginator, then the
  first page of 12 cards);
- page: GET /lessons/?q=... through Django's test client (form, filter choices, selector, template).

The database DATABASE_URL names is never touched; the bench database is dropped at the end unless `--keep`. With
`--explain` it also prints EXPLAIN ANALYZE of the two statements behind each query. Without PostgreSQL it says so
and exits 0: SQLite's substring fallback is not what this measures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from harness import bench_run

LESSONS = 100_000
TARGET_P95_MS = 50.0

# The head of the vocabulary, most frequent first: the words a catalog of AI lessons is written in. The tail is made
# of invented words (see vocabulary()), with a few real ones placed far down it so that some searches are rare.
HEAD_WORDS = """
model learning data training language neural network large attention transformer agent system
tokens reasoning evaluation layer memory context inference prompt vision benchmark optimization gradient
fine tuning retrieval embedding scaling compute architecture dataset loss parameter decoder encoder generation
policy reward reinforcement alignment safety interpretability feature representation sequence sampling
diffusion image video audio speech code planning tool search graph knowledge robot simulation physics
probability statistics linear algebra matrix vector kernel convolution recurrent state space mixture expert
sparse dense quantization distillation pruning efficient hardware accelerator cluster distributed parallel
pipeline checkpoint latency throughput serving deployment monitoring feedback human preference instruction
chain thought verifier critic curriculum synthetic augmentation contrastive supervised unsupervised self
objective regularization dropout normalization residual activation softmax entropy calibration uncertainty
bayesian causal counterfactual fairness bias privacy federated robustness adversarial attack defense
evaluation leaderboard ablation baseline lecture tutorial course paper podcast episode talk interview
"""
HEAD = HEAD_WORDS.split()
RARE = {1500: "backpropagation", 2600: "hippocampus", 2900: "kolmogorov"}
VOCABULARY_SIZE = 3000

QUERIES = [
    ("common word", "model"),
    ("common word 2", "attention"),
    ("rare word", "hippocampus"),
    ("phrase", '"attention layer"'),
    ("multi-word", "sparse attention memory"),
    ("no match", "xylophone"),
]


def vocabulary() -> list[str]:
    """HEAD, then invented words to VOCABULARY_SIZE, with RARE put at their positions (1-based)."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "da", "fe"]
    words = list(dict.fromkeys(HEAD))
    n = 0
    while len(words) < VOCABULARY_SIZE:
        position = len(words) + 1
        if position in RARE:
            words.append(RARE[position])
            continue
        n += 1
        a, b, c = n % 12, (n // 12) % 12, (n // 144) % 12
        words.append(f"{syllables[a]}{syllables[b]}{syllables[c]}{'x' * (n // 1728)}q")
    return words


# A word drawn with probability ∝ 1/rank: exp(U * ln N) is log-uniform over [1, N].
WORD = "(%(words)s::text[])[least(%(size)s, floor(exp(random() * ln(%(size)s)))::int)]"

INSERT = """
INSERT INTO lessons_lesson (
    title, slug, source_id, kind, external_url, authors, level, category_id, published_at, duration_seconds,
    summary, description, transcript, material, unlock_price, status, up_next_reason, identity_key,
    suggested_level, suggested_summary, created, updated
)
SELECT
    initcap((SELECT string_agg({word}, ' ') FROM generate_series(1, 3 + g %% 5) AS w)),
    'bench-lesson-' || g,
    (SELECT id FROM lessons_source ORDER BY id OFFSET g %% 13 LIMIT 1),
    (ARRAY['youtube', 'podcast', 'article', 'paper', 'url'])[1 + g %% 5],
    'https://example.com/lessons/' || g,
    '',
    (ARRAY['beginner', 'intermediate', 'advanced'])[1 + g %% 3],
    (SELECT id FROM lessons_category ORDER BY id OFFSET g %% 6 LIMIT 1),
    DATE '2016-01-01' + (g * 7919) %% 3650,
    60 * (5 + g %% 90),
    (SELECT string_agg({word}, ' ') FROM generate_series(1, 8 + g %% 9) AS w) || '.',
    (SELECT string_agg({word}, ' ') FROM generate_series(1, 40 + g %% 120) AS w) || '.',
    '', '', 30, 'published', '', '', '', '', now(), now()
FROM generate_series(1, %(count)s) AS g
"""


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return statistics.median(samples_ms), cuts[94], cuts[98]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after one warm-up call."""
    call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lessons", type=int, default=LESSONS)
    parser.add_argument("--repeat", type=int, default=60, help="timed calls per query and path")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE for each query's statements")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench/search.py: skipped, it measures PostgreSQL full-text search (set DATABASE_URL=postgres://...).")
        return 0
    # The page cache off: each GET runs the search, as the first visitor to ask for those words does.
    env = {"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "testserver", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           "PAGE_CACHE_SECONDS": "0"}  # fmt: skip
    return bench_run(name="search", keep=args.keep, env=env, run=lambda: run(args))


def build(count: int) -> None:
    """Six categories, thirteen sources and `count` published lessons, written by the database itself."""
    from django.db import connection

    from lessons.models import Category, Source

    Category.objects.bulk_create(Category(name=f"Category {n}", slug=f"category-{n}") for n in range(6))
    Source.objects.bulk_create(Source(name=f"Source {n}", url=f"https://source{n}.example.com/") for n in range(13))
    words = vocabulary()
    with connection.cursor() as cursor:
        cursor.execute(INSERT.format(word=WORD), {"words": words, "size": len(words), "count": count})
        cursor.execute("ANALYZE")


def explain(sql_and_params: list[tuple[str, object]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in sql_and_params:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lessons.models import Lesson
    from lessons.selectors.catalog import CatalogFilters, catalog_page_get

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.lessons)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('lessons_lesson'))")
        size = cursor.fetchone()[0]
    print(f"{server}; {Lesson.objects.count():,} published lessons written and analysed in "
          f"{time.perf_counter() - started:.1f} s; lessons table with its indexes and TOAST: {size}")  # fmt: skip

    visitor = AnonymousUser()
    client = Client()
    print(f"{args.repeat} timed calls per row, after one warm-up call; p95 target {TARGET_P95_MS:.0f} ms")
    print(f"{'query':<40} {'matches':>8} {'path':<9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  p95 < target")
    failures = 0
    for label, words in QUERIES:
        filters = CatalogFilters(q=words)
        with CaptureQueriesContext(connection) as captured:
            result = catalog_page_get(user=visitor, filters=filters, page=1)
        # Copied now: a request through the client empties the connection's query log that the context reads.
        statements = [(query["sql"], None) for query in captured.captured_queries]
        paths: list[tuple[str, Callable[[], object]]] = [
            ("selector", lambda filters=filters: catalog_page_get(user=visitor, filters=filters, page=1)),
            ("page", lambda words=words: client.get("/lessons/", {"q": words})),
        ]
        response = client.get("/lessons/", {"q": words})
        assert response.status_code == 200, response.status_code
        for path, call in paths:
            p50, p95, p99 = percentiles(timed(call, args.repeat))
            ok = p95 < TARGET_P95_MS
            failures += not ok
            print(f"{label + ' ' + repr(words):<40} {result.count:>8,} {path:<9} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}"
                  f"  {'yes' if ok else 'NO'}")  # fmt: skip
        if args.explain:
            explain(statements)
    print("every p95 under target" if not failures else f"{failures} rows over the p95 target")


if __name__ == "__main__":
    sys.exit(main())

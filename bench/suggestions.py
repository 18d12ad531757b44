"""Suggestion threshold benchmark: how sure the category suggestion is on items that belong and items that do not.

    .venv/bin/python bench/suggestions.py        # SQLite in a temporary folder (PostgreSQL with DATABASE_URL)

It loads the demo catalog, trains the classifier of `ingest/suggestions.py` on its published lessons as a poll would,
and asks it about the labelled items of `bench/suggestion_set.py` (real titles the catalog does not hold, each with
the category a curator would choose, or none for an item no category of an AI catalog fits). For each threshold it
prints:

- on-topic kept: the share of items that belong somewhere that still get a suggestion;
- right when kept: the share of those suggestions that name the expected category;
- off-topic refused: the share of items that belong nowhere that get no suggestion (nothing pre-selected).

The threshold in use (`INGEST_SUGGESTION_MIN_CONFIDENCE`) is marked; the figures are quoted in docs/sources.md. A
second table does the same with the confidence a classifier would give instead (logistic regression's probability
for its best category, the suggestion's first design), to show why it is not used.
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Sequence

from harness import bench_run
from suggestion_set import ITEMS

THRESHOLDS = (0.0, 0.1, 0.15, 0.18, 0.2, 0.22, 0.25, 0.3, 0.35, 0.4)
Row = tuple[str, "str | None", "str | None", float]  # title, expected category, guessed category, confidence


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--verbose", action="store_true", help="print every item's guess and confidence")
    args = parser.parse_args()
    return bench_run(name="suggestions", keep=args.keep, env={}, run=lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ingest.suggestions import _Classifier, _document, suggestions_raw
    from lessons.models import Category, Lesson

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115 - lives for the run
    slugs = dict(Category.objects.values_list("pk", "slug"))

    guesses = suggestions_raw([(title, text, text) for title, text, _ in ITEMS])
    rows = [
        (title, expected, slugs.get(category_id) if category_id else None, confidence or 0.0)
        for (title, _, expected), (category_id, _, confidence) in zip(ITEMS, guesses, strict=True)
    ]
    print("Nearest published lesson (in use): its category, and the cosine similarity as the confidence")
    table(rows, settings.INGEST_SUGGESTION_MIN_CONFIDENCE, verbose=args.verbose)

    catalog = Lesson.objects.published().filter(category__isnull=False)
    model = _Classifier._train(list(catalog.values_list("title", "summary", "description", "category_id")))
    probabilities = model.predict_proba([_document(title, text, text) for title, text, _ in ITEMS])
    baseline = [
        (title, expected, slugs[model.classes_[row.argmax()]], float(row.max()))
        for (title, _, expected), row in zip(ITEMS, probabilities, strict=True)
    ]
    print("\nLogistic regression (not used): its best category, and that category's probability as the confidence")
    table(baseline, None, verbose=args.verbose)


def table(rows: Sequence[Row], in_use: float | None, *, verbose: bool) -> None:
    on_topic = [row for row in rows if row[1] is not None]
    off_topic = [row for row in rows if row[1] is None]
    if verbose:
        for title, expected, guess, confidence in sorted(rows, key=lambda row: row[3]):
            mark = "ok" if guess == expected else ("--" if expected is None else "xx")
            print(f"{confidence:5.2f} {mark} {guess or '':28} {expected or '(none)':28} {title[:60]}")
    print(f"{len(on_topic)} on-topic items, {len(off_topic)} off-topic items")
    print(
        f"confidence: on-topic median {statistics.median(r[3] for r in on_topic):.2f} "
        f"(min {min(r[3] for r in on_topic):.2f}), "
        f"off-topic median {statistics.median(r[3] for r in off_topic):.2f} (max {max(r[3] for r in off_topic):.2f})"
    )
    print(f"{'threshold':>9}  {'on-topic kept':>13}  {'right when kept':>15}  {'off-topic refused':>17}")
    thresholds = sorted({*THRESHOLDS, in_use} - {None}) if in_use is not None else [0.0, 0.25, 0.3, 0.35, 0.4, 0.5]
    for threshold in thresholds:
        kept = [row for row in on_topic if row[3] >= threshold]
        right = [row for row in kept if row[2] == row[1]]
        refused = [row for row in off_topic if row[3] < threshold]
        mark = "  ← INGEST_SUGGESTION_MIN_CONFIDENCE" if threshold == in_use else ""
        print(
            f"{threshold:9.2f}  {len(kept) / len(on_topic):12.0%}  "
            f"{(len(right) / len(kept)) if kept else 0:14.0%}  {len(refused) / len(off_topic):16.0%}{mark}"
        )


if __name__ == "__main__":
    raise SystemExit(main())

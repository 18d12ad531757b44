"""Ledger benchmark: balance-read time with 10 and with 1,000,000 entries on one wallet, and ledger writes per second.

Run with DATABASE_URL pointing at PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform .venv/bin/python bench/ledger.py

It creates its own database (the named one with a `_bench` suffix), migrates it, measures, and drops it at the end
(`--keep` keeps it). The database DATABASE_URL names is never touched. Without PostgreSQL it says so and exits 0.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
READS = 5000
BIG = 1_000_000


def bench_database(url: str) -> tuple[str, str, str]:
    """(URL of the server's maintenance database, name of the bench database, URL of the bench database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "learnplatform"
    bench_name = f"{name}_bench"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        bench_name,
        urlunsplit(parts._replace(path=f"/{bench_name}")),
    )


def timed(call: Callable[[], object], repeat: int) -> float:
    """Median microseconds per call over `repeat` calls (after a warm-up)."""
    for _ in range(min(50, repeat)):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--entries", type=int, default=BIG, help="entries on the big wallet (default 1,000,000)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--writes-per-thread", type=int, default=400)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench/ledger.py: skipped, it measures PostgreSQL (set DATABASE_URL=postgres://...).")
        return 0

    import psycopg

    maintenance_url, bench_name, bench_url = bench_database(url)
    with psycopg.connect(maintenance_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench_name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CONN_MAX_AGE"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SIGNUP_BONUS", "60")
    sys.path.insert(0, str(ROOT))
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(maintenance_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    return 0


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from credits.models import EntryKind, LedgerEntry, Wallet
    from credits.selectors import ledger_audit, ledger_entries_for, statement_history_for, wallet_summary
    from credits.services import credits_grant, hold_capture, hold_place

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(f"PostgreSQL: {server}; database {connection.settings_dict['NAME']} (made for this run)")

    # --- balance reads, small wallet --------------------------------------------------------------------------------
    small = User.objects.create_user(email="small@bench.local", password=None)
    for number in range(10):
        credits_grant(user=small, amount=5, kind=EntryKind.REWARD, reason="Lesson", idempotency_key=f"r{number}")
    assert LedgerEntry.objects.filter(wallet__user=small, kind=EntryKind.REWARD).count() == 10
    small_read = timed(lambda: wallet_summary(user=small), READS)

    # --- bulk-load a million entries on one wallet with COPY, balance_after chained ---------------------------------
    big = User.objects.create_user(email="big@bench.local", password=None)
    wallet = Wallet.objects.create(user=big)
    rng = random.Random(42)
    load_start = time.perf_counter()
    balance = 0
    created = datetime(2025, 1, 1, tzinfo=UTC)
    columns = "wallet_id, amount, kind, reason, reference, idempotency_key, balance_after, created_at"
    with connection.cursor() as cursor:
        raw = cursor.connection  # the psycopg connection under Django's wrapper
        with raw.cursor() as copy_cursor, copy_cursor.copy(f"COPY credits_ledgerentry ({columns}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for number in range(args.entries):
                # Mostly small rewards, some spends that never take the balance below zero.
                amount = -rng.randint(1, min(30, balance)) if balance > 0 and rng.random() < 0.4 else rng.randint(1, 10)
                balance += amount
                kind = "spend" if amount < 0 else "reward"
                at = (created + timedelta(seconds=number)).isoformat()
                buffer.write(f"{wallet.pk}\t{amount}\t{kind}\tBench {kind}\tlesson:{number % 500}\tb{number}\t")
                buffer.write(f"{balance}\t{at}\n")
                if number % 50_000 == 49_999:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        # The cached balance and entry count, as the services would have kept them entry by entry.
        cursor.execute(
            "UPDATE credits_wallet SET balance = %s, entry_count = %s WHERE id = %s", [balance, args.entries, wallet.pk]
        )
        cursor.execute("ANALYZE credits_ledgerentry")
    load_seconds = time.perf_counter() - load_start
    assert wallet_summary(user=big).balance == balance

    big_read = timed(lambda: wallet_summary(user=big), READS)
    small_again = timed(lambda: wallet_summary(user=small), READS)

    def summed() -> int:
        return LedgerEntry.objects.filter(wallet=wallet).aggregate(total=django.db.models.Sum("amount"))["total"]

    assert summed() == balance
    sum_read = timed(summed, 20)

    def statement_first_page() -> None:
        from django.core.paginator import Paginator

        page = Paginator(statement_history_for(user=big), 25).page(1)
        list(page.object_list)

    statement_ms = timed(statement_first_page, 10) / 1000
    history = statement_history_for(user=big)
    count_ms = timed(history.count, 10) / 1000
    first_lines_ms = timed(lambda: history[0:25], 50) / 1000
    deep_lines_ms = timed(lambda: history[99_975:100_000], 10) / 1000

    def api_first_page() -> None:
        list(ledger_entries_for(user=big)[:50])

    api_page = timed(api_first_page, 200)

    audit_start = time.perf_counter()
    problems = ledger_audit()
    audit_seconds = time.perf_counter() - audit_start
    assert problems == [], problems

    # --- writes per second: many wallets, then one contended wallet ------------------------------------------------
    threads, per_thread = args.threads, args.writes_per_thread
    writers = [User.objects.create_user(email=f"w{n}@bench.local", password=None) for n in range(threads * 4)]
    for user in writers:
        wallet_summary(user=user)
        credits_grant(user=user, amount=1, kind=EntryKind.REWARD, reason="warm", idempotency_key="warm")
    hot = User.objects.create_user(email="hot@bench.local", password=None)
    credits_grant(user=hot, amount=1, kind=EntryKind.REWARD, reason="warm", idempotency_key="warm")

    backend_cpu: dict[str, float] = {}

    def backend_seconds() -> float:
        """CPU seconds the PostgreSQL backend serving this thread's connection has used (server on this machine)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")  # the server is on another machine
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def write_load(pick: Callable[[int, int], User], label: str) -> float:
        barrier = threading.Barrier(threads)
        errors: list[BaseException] = []
        lock = threading.Lock()
        backend_cpu[label] = 0.0

        def worker(index: int) -> None:
            try:
                barrier.wait()
                before = backend_seconds()
                for number in range(per_thread):
                    credits_grant(
                        user=pick(index, number),
                        amount=1,
                        kind=EntryKind.REWARD,
                        reason="Bench",
                        idempotency_key=f"{label}-{index}-{number}",
                    )
                used = backend_seconds() - before
                with lock:
                    backend_cpu[label] += used
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        pool = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
        start, client_start = time.perf_counter(), time.process_time()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - start
        if errors:
            raise errors[0]
        writes = threads * per_thread
        backend_cpu[f"{label}:client"] = time.process_time() - client_start
        backend_cpu[f"{label}:wall"] = elapsed
        for key in (label, f"{label}:client", f"{label}:wall"):
            backend_cpu[key] = backend_cpu[key] / writes * 1e6  # µs per write
        return writes / elapsed

    spread = write_load(lambda index, number: writers[index * 4 + number % 4], "spread")
    contended = write_load(lambda index, number: hot, "hot")
    # The same loads through the ORM path (lock, look up, check, insert, update: six round trips), which the services
    # take on SQLite and for every case the one-statement path leaves to it; measured here for the before/after.
    from credits.services import one_statement

    one_statement_available = one_statement.available
    one_statement.available = lambda: False  # type: ignore[assignment]
    try:
        spread_orm = write_load(lambda index, number: writers[index * 4 + number % 4], "spread-orm")
        contended_orm = write_load(lambda index, number: hot, "hot-orm")
    finally:
        one_statement.available = one_statement_available  # type: ignore[assignment]

    def hold_and_capture(user: User, key: str) -> None:
        hold_capture(hold=hold_place(user=user, amount=1, reason="Bench", reference="bench", idempotency_key=key))

    pairs_start = time.perf_counter()
    for number in range(500):
        hold_and_capture(writers[number % len(writers)], f"hc-{number}")
    pairs_per_second = 500 / (time.perf_counter() - pairs_start)
    assert ledger_audit() == []

    rows = [
        (f"Balance read, 10 entries on the wallet (median of {READS})", f"{small_read:.0f} µs"),
        (f"Balance read, {args.entries:,} entries on the wallet", f"{big_read:.0f} µs"),
        ("Balance read, 10 entries, after the big load", f"{small_again:.0f} µs"),
        (f"For contrast: SUM over the {args.entries:,} entries", f"{sum_read / 1000:.1f} ms"),
        (f"Bulk load of {args.entries:,} entries with COPY", f"{load_seconds:.1f} s"),
        ("Statement first page (count + 25 lines), big wallet", f"{statement_ms:.1f} ms"),
        ("  of which: counting the entries", f"{count_ms:.1f} ms"),
        ("  of which: the 25 lines of page 1", f"{first_lines_ms:.1f} ms"),
        ("Statement lines of page 4,000 (offset 99,975)", f"{deep_lines_ms:.1f} ms"),
        ("API ledger first page (50 entries), big wallet", f"{api_page / 1000:.2f} ms"),
        (f"audit_ledger over {LedgerEntry.objects.count():,} entries", f"{audit_seconds:.1f} s"),
        (f"Grants/s, {threads} threads × {per_thread}, across {len(writers)} wallets", f"{spread:.0f} /s"),
        (f"Grants/s, {threads} threads × {per_thread}, all on one wallet", f"{contended:.0f} /s"),
        (f"  the same through the ORM path, across {len(writers)} wallets", f"{spread_orm:.0f} /s"),
        ("  the same through the ORM path, all on one wallet", f"{contended_orm:.0f} /s"),
        ("Where a write's time goes, across wallets (µs per write):", ""),
        ("  wall time per write (all threads together)", f"{backend_cpu['spread:wall']:.0f} µs"),
        ("  CPU in this Python process (ORM, driver, the bench)", f"{backend_cpu['spread:client']:.0f} µs"),
        ("  CPU in the PostgreSQL backends (parse, plan, execute, commit)", f"{backend_cpu['spread']:.0f} µs"),
        ("  the same three through the ORM path", ""),
        ("  wall", f"{backend_cpu['spread-orm:wall']:.0f} µs"),
        ("  CPU in this Python process", f"{backend_cpu['spread-orm:client']:.0f} µs"),
        ("  CPU in the PostgreSQL backends", f"{backend_cpu['spread-orm']:.0f} µs"),
        ("Hold + capture pairs, one thread", f"{pairs_per_second:.0f} /s"),
        ("Whole run", f"{time.perf_counter() - started:.0f} s"),
    ]
    print()
    for label, figure in rows:
        print(f"{label:<62} {figure:>10}")


if __name__ == "__main__":
    sys.exit(main())

"""A PostgreSQL crash in the middle of twelve unlocks and a Stripe payment loses and doubles nothing.

The test runs a PostgreSQL server of its own, a gunicorn app server (production settings) and a Celery worker on it.
One learner unlocks twelve lessons (three clients, four unlocks each, an Idempotency-Key per unlock) while Stripe
delivers the signed `checkout.session.completed` of the pack they paid for; after the fourth answer the server is
stopped at once (`pg_ctl stop -m immediate`, as a crash stops it), the clients carry on against the dead database,
and the server is started again (it replays its log). Then the clients re-send what failed with the same keys, and
Stripe redelivers its event, as both do. Every request must have had an answer (a 5xx while the database was down,
never a hang), every unlock ends charged once, the pack is credited once, no hold stays open once the worker has
settled, the balance equals the sum of the learner's entries and the ledger audit finds nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.celery_worker import ROOT, celery_worker_running
from tests.load.crash_database import LESSONS, START_CREDITS
from tests.load.postgres_cluster import OwnCluster, can_run_own_cluster, free_port, own_cluster
from tests.stripe_fake.plugin import STRIPE_TEST_SECRET_KEY, STRIPE_TEST_WEBHOOK_SECRET

pytestmark = [
    pytest.mark.load,
    pytest.mark.postgres,  # the production shape under test is PostgreSQL's
    pytest.mark.worker,
    pytest.mark.skipif(not can_run_own_cluster(), reason="needs PostgreSQL's server binaries (initdb, pg_ctl)"),
]

CLIENTS = 3  # each sends LESSONS // CLIENTS unlocks, one after another
CRASH_AFTER_ANSWERS = 4
STRIPE_REDELIVERIES = 3
REQUEST_TIMEOUT = 30  # seconds: an answer later than this counts as a hang
NO_ANSWER = 0

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def http(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None) -> tuple[int, Any]:
    """(status, JSON body or text); NO_ANSWER when the connection failed or nothing came back in time."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (OSError, ValueError) as error:
        return NO_ANSWER, repr(error)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def wait_for(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out after {seconds:.0f} s waiting for {what}"
        time.sleep(0.2)


def in_database(env: dict[str, str], action: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.load.crash_database", action],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def app_server(env: dict[str, str], folder: Path) -> Iterator[Callable[[], str]]:
    """gunicorn on a free port. Yields at once (it boots while the caller starts other things); calling what it
    yields waits until /readyz answers 200 and returns the base URL."""
    port = free_port()
    server_env = env | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "GUNICORN_CONTROL_SOCKET": str(folder / "gunicorn.ctl"),
    }
    log_path = folder / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "platform/gunicorn.conf.py",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert process.poll() is None, f"gunicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}"
            return http("GET", f"{base}/readyz", headers={})[0] == 200

        def ready() -> str:
            wait_for(up, seconds=60, what="gunicorn to answer /readyz")
            return base

        yield ready
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


@contextmanager
def _removed(folder: Path) -> Iterator[None]:
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def crash_stack(fake_stripe) -> Iterator[dict[str, Any]]:
    """Its own PostgreSQL (migrated and seeded), the app under gunicorn and a worker on it, and the local Stripe."""
    folder = Path(tempfile.mkdtemp(prefix="db-crash-"))
    with own_cluster() as cluster, _removed(folder):
        import psycopg

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE learnplatform_crash")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": cluster.url("learnplatform_crash"),
            "VAR_DIR": str(folder / "var"),  # shared by the server and the worker (the embedded broker lives there)
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "STRIPE_SECRET_KEY": STRIPE_TEST_SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": STRIPE_TEST_WEBHOOK_SECRET,
            "STRIPE_API_BASE": fake_stripe.base_url,
            "TUTOR_BACKEND": "study_guide",
            # A job the crash interrupted is retried after this, doubled each time (3 retries: 2 + 4 + 8 s while
            # the server, back within a second or two, replays its log), not production's 10 s: the same retries,
            # the same assertions, without waiting out ten idle seconds.
            "TUTOR_RETRY_BACKOFF_SECONDS": "2",
            # Production settings on plain HTTP loopback, as config/settings/test.py has them for the suite.
            "DJANGO_DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "0",
        }
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
        else:
            env.pop("REDIS_URL", None)
        # gunicorn and the worker boot (seconds of imports each, no query) while the migrations run; the seed runs
        # once they are done, while gunicorn finishes; the test starts when all of them are ready.
        migrate = subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            with app_server(env, folder) as app_ready, celery_worker_running(env=env) as worker:
                output = migrate.communicate(timeout=300)[0]
                assert migrate.returncode == 0, output.decode(errors="replace")[-3000:]
                seeded = in_database(env, "seed")
                base = app_ready()
                yield {"cluster": cluster, "env": env, "base": base, "worker": worker, "seed": seeded}
        finally:
            if migrate.poll() is None:
                migrate.kill()
                migrate.wait()


def test_a_database_crash_mid_unlocks_and_payment_loses_and_doubles_nothing(crash_stack, fake_stripe):
    cluster: OwnCluster = crash_stack["cluster"]
    base, seed, env = crash_stack["base"], crash_stack["seed"], crash_stack["env"]
    token = {"X-Session-Token": seed["token"]}

    # The learner paid for a pack: Stripe has a signed checkout.session.completed to deliver.
    status, checkout = http(
        "POST", f"{base}/api/v1/credit-packs/{seed['pack']['slug']}/checkout",
        headers=token | {"Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    assert status == 200, checkout
    fake_stripe.complete(checkout["session_id"], paid=True)  # no webhook target: this test delivers the event itself
    event = next(e for e in fake_stripe.events_posted if e.type == "checkout.session.completed")

    def deliver() -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", "Stripe-Signature": event.signature}
        return http("POST", f"{base}/stripe/webhook", headers=headers, body=event.payload)

    unlocks = [(lesson["slug"], str(uuid.uuid4())) for lesson in seed["lessons"]]

    def unlock(index: int) -> tuple[int, Any]:
        slug, key = unlocks[index]
        return http("POST", f"{base}/api/v1/lessons/{slug}/unlock", headers=token | {"Idempotency-Key": key})

    answers: dict[int, tuple[int, Any]] = {}
    answered = threading.Condition()
    crashed = threading.Event()

    def client(number: int) -> None:
        for index in range(number, LESSONS, CLIENTS):
            with answered:
                after = len(answers) >= CRASH_AFTER_ANSWERS
            if after:
                crashed.wait(60)  # so the rest surely meet the dead database, however fast this machine is
            answer = unlock(index)
            with answered:
                answers[index] = answer
                answered.notify_all()

    def crasher() -> None:
        with answered:
            answered.wait_for(lambda: len(answers) >= CRASH_AFTER_ANSWERS, timeout=60)
        cluster.crash()
        crashed.set()

    def stripe() -> list[tuple[int, Any]]:
        first = deliver()  # on its way as the database goes
        crashed.wait(60)
        return [first, deliver()]  # Stripe tries again while it is down

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS + 2) as pool:
        crash = pool.submit(crasher)
        stripe_answers = pool.submit(stripe)
        for future in [pool.submit(client, number) for number in range(CLIENTS)]:
            future.result()
        crash.result()
        stripe_first = stripe_answers.result()
    outage = [status for status, _ in answers.values() if status >= 500]

    cluster.start()  # replays the write-ahead log
    restarted = time.monotonic()

    # Clients re-send what failed, with the same keys; Stripe redelivers until it gets a 2xx, and a few times more.
    retried: dict[int, list[tuple[int, Any]]] = {}
    for index, (status, _body) in sorted(answers.items()):
        while status >= 500 and len(retried.setdefault(index, [])) < 10:
            status, body = unlock(index)
            retried[index].append((status, body))
            if status >= 500:
                time.sleep(0.5)
    stripe_later = [deliver() for _ in range(STRIPE_REDELIVERIES)]
    while stripe_later[-1][0] >= 500 and len(stripe_later) < 10:
        time.sleep(0.5)
        stripe_later.append(deliver())

    every = [*answers.values(), *(a for tries in retried.values() for a in tries), *stripe_first, *stripe_later]
    assert all(status != NO_ANSWER for status, _ in every), [a for a in every if a[0] == NO_ANSWER]
    assert outage, f"the crash fell in the middle: some unlocks met the dead database ({answers})"
    assert {status for status, _ in answers.values()} <= {201, 500, 503}, answers
    finals = [tries[-1] if tries else answers[index] for index, tries in ((i, retried.get(i, [])) for i in answers)]
    assert len(finals) == LESSONS
    assert all(status in (200, 201) for status, _ in finals), finals
    assert all(status == 200 for status, _ in stripe_later), stripe_later

    # The worker writes every explanation and captures every hold, including jobs the crash interrupted.
    seen: list[dict[str, Any]] = []

    def settled() -> bool:
        seen.append(in_database(env, "facts"))
        return seen[-1]["holds"].get("open", 0) == 0

    try:
        # A job the crash interrupted is retried after TUTOR_RETRY_BACKOFF_SECONDS (2 s here), doubling each time.
        wait_for(settled, seconds=90, what="the worker to settle every hold")
    except AssertionError as error:
        raise AssertionError(f"{error}: {seen[-1]}\n{crash_stack['worker'].log()[-4000:]}") from None
    facts = in_database(env, "facts")
    price = sum(lesson["price"] for lesson in seed["lessons"])
    assert facts["audit"] == []
    assert facts["balance"] == facts["entries_sum"] == START_CREDITS + seed["pack"]["credits"] - price, facts
    assert facts["purchase_entries"] == 1, facts
    assert facts["holds"] == {"captured": LESSONS}, facts
    assert facts["unlocks"] == {"charged": LESSONS}, facts
    print(
        f"\n{len(outage)} unlocks and {sum(s >= 500 for s, _ in stripe_first)} webhook deliveries met the dead"
        f" database; restart + re-sends + settling took {time.monotonic() - restarted:.1f} s"
        f" (crash phase {restarted - started:.1f} s); facts: {facts}"
    )

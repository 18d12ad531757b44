"""Two-node check: two gunicorn nodes and two Celery workers behind HAProxy, sharing only PostgreSQL and Redis.

Run with `make scale-check` (it installs Debian's haproxy when missing), or by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/scale_check.py

It makes its own database (the named one with a `_scale` suffix) and drops it at the end; the database DATABASE_URL
names is never touched. Give it a Redis database that nothing else uses while it runs: its workers would take other
processes' tasks from the same queues, and theirs would take its. Everything listens on 127.0.0.1 only, with
production settings (DEBUG off), and each node and worker gets a var/ folder of its own that nothing else reads, so
any state kept on a node's disk would show up. Every loop is bounded; the whole run takes one to four minutes on two
busy cores. It checks, in order:

1. Sessions are shared: learners sign in through the balancer (allauth's app session token) and their requests,
   spread over both nodes, are all recognised.
2. The unlock race: one learner's 20 simultaneous unlocks of one lesson (one key, a double submit) and 20 learners
   unlocking at once hold each price once; the workers write the explanations and capture every hold exactly once.
3. A webhook storm: every signed `checkout.session.completed` delivered 10 times, 40 at once, over both nodes,
   credits each purchase once.
4. Throughput through the balancer with one node, then two.
5. A node killed (SIGKILL) mid-load: every read is answered (HAProxy retries it on the other node), every webhook
   delivery is answered once retried the way Stripe retries, and no credit is lost or doubled.

`audit_ledger` must find nothing after each step. Exits 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import loopback_production_env  # noqa: E402 - the project's root is on the path only now

PASSWORD = "scale-check-password-1"  # noqa: S105 - throwaway learners in a database made for this run
WEBHOOK_SECRET = "whsec_scale_check"  # noqa: S105 - signs events between two local processes
UNLOCK_LEARNERS = 20
STORM_PURCHASES = 20
STORM_COPIES = 10
KILL_PURCHASES = 30
CUT = -1  # the status given to an answer cut off mid-way


class CheckFailedError(Exception):
    pass


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailedError(message)
    print(f"  ok: {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise CheckFailedError(f"timed out after {seconds:.0f} s waiting for {what}")


# --- HTTP through the balancer ---------------------------------------------------------------------------------------

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def http(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple:
    """(status, parsed JSON body or text, the node that answered) — the node named by HAProxy's X-Served-By."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 - loopback
    try:
        with _opener.open(request, timeout=30) as response:
            status, raw, node = response.status, response.read(), response.headers.get("X-Served-By", "")
    except urllib.error.HTTPError as error:
        status, raw, node = error.code, error.read(), error.headers.get("X-Served-By", "")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, repr(error), ""
    except http.client.HTTPException as error:
        # The node died after its answer had begun: the balancer has already passed the start on and cannot retry.
        return CUT, repr(error), ""
    try:
        return status, json.loads(raw), node
    except ValueError:
        return status, raw.decode("utf-8", "replace"), node


def run_together(count: int, work: Callable[[int], Any], *, threads: int | None = None) -> list[Any]:
    barrier = threading.Barrier(min(count, threads or count), timeout=60)

    def one(index: int) -> Any:
        if index < barrier.parties:
            barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=threads or count) as pool:
        return list(pool.map(one, range(count)))


# --- processes ---------------------------------------------------------------------------------------------------


class Processes:
    """Every process this run starts, each in its own session so it can be stopped with its children."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the process and its children at once: a machine lost, not a graceful stop."""
        process = self.running[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def haproxy_config(*, two: int, one: int, nodes: list[tuple[str, int]], stats: Path) -> str:
    servers = "\n".join(f"    server {name} 127.0.0.1:{port} check inter 1s fall 3 rise 2" for name, port in nodes)
    return f"""
global
    maxconn 512
    stats socket {stats} mode 600 level admin
    log stderr format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout queue 30s
    # A busy sync worker answers the health check late; a node that is gone refuses the connection at once.
    timeout check 5s
    # A request that failed on one node is tried again on another (redispatch) — for reads, and for the writes made
    # safe to repeat by an Idempotency-Key header or by being a signed Stripe event (stored once by its id).
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response response-timeout 503

frontend two_nodes
    bind 127.0.0.1:{two}
    default_backend nodes

frontend one_node
    bind 127.0.0.1:{one}
    default_backend node1_only

backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    acl safe_method method GET HEAD OPTIONS
    acl keyed req.hdr(Idempotency-Key) -m found
    acl stripe_event path /stripe/webhook
    http-request disable-l7-retry unless safe_method || keyed || stripe_event
    http-response set-header X-Served-By %s
    # No per-server maxconn: with it, a retry whose other server is at its limit stays on the dead one (HAProxy
    # 2.6 redispatches only to a server with a free slot), and reads fail with 503 while the dead node is still "up".
{servers}

backend node1_only
    option httpchk GET /readyz
    http-check expect status 200
    http-response set-header X-Served-By %s
    server node1 127.0.0.1:{nodes[0][1]} check inter 1s fall 3 rise 2
"""


def haproxy_stats(path: Path) -> dict[str, dict[str, str]]:
    """HAProxy's `show stat`: "backend/server" -> columns (wretr = retries, wredis = redispatches, status)."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        sock.sendall(b"show stat\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    lines = raw.decode().strip().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {f"{row['pxname']}/{row['svname']}": row for row in rows}


# --- the run -----------------------------------------------------------------------------------------------------


def scale_database(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'learnplatform'}_scale"
    return urlunsplit(parts._replace(path="/postgres")), name, urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scale_setup(args: argparse.Namespace, work: Path) -> Iterator[dict[str, Any]]:
    import psycopg

    maintenance_url, name, url = scale_database(os.environ["DATABASE_URL"])
    with psycopg.connect(maintenance_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "CELERY_", "DJANGO_"))
    } | {
        **loopback_production_env(tool="scale-check"),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "STRIPE_SECRET_KEY": "sk_test_local",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SITE_URL": "http://127.0.0.1",
    }
    processes = Processes(work)
    fake = None
    try:
        from tests.stripe_fake.server import FakeStripe

        fake = FakeStripe(secret=WEBHOOK_SECRET).start()
        base_env["STRIPE_API_BASE"] = fake.base_url
        own_var = work / "script-var"
        os.environ.update(base_env | {"VAR_DIR": str(own_var)})
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run(manage + command, cwd=ROOT, env=dict(os.environ), check=True, stdout=subprocess.DEVNULL)  # noqa: S603

        nodes = [("node1", free_port()), ("node2", free_port())]
        for name, port in nodes:
            env = base_env | {
                "VAR_DIR": str(work / f"{name}-var"),
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(args.workers),
                "GUNICORN_THREADS": "1",
                "GUNICORN_CONTROL_SOCKET": str(work / f"{name}.ctl"),
            }
            processes.start(
                name,
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "platform/gunicorn.conf.py",
                 "--access-logfile", "/dev/null"],
                env,
            )  # fmt: skip
        for number in (1, 2):
            processes.start(
                f"worker{number}",
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=1",
                 "--queues=celery,tutor", f"--hostname=scale{number}@%h", "--without-gossip", "--without-mingle"],
                base_env | {"VAR_DIR": str(work / f"worker{number}-var")},
            )  # fmt: skip
        two, one = free_port(), free_port()
        stats = work / "haproxy.sock"
        config = work / "haproxy.cfg"
        config.write_text(haproxy_config(two=two, one=one, nodes=nodes, stats=stats))
        processes.start("haproxy", ["haproxy", "-db", "-f", str(config)], base_env)

        def both_up() -> bool:
            try:
                table = haproxy_stats(stats)
            except OSError:
                return False
            return all(table.get(f"nodes/{name}", {}).get("status") == "UP" for name, _ in nodes)

        wait_until(both_up, seconds=120, what="both nodes to pass HAProxy's health check")
        import django

        django.setup()
        fake.set_webhook(None)  # events are signed and kept; this script delivers them itself, through the balancer
        yield {
            "lb": f"http://127.0.0.1:{two}",
            "lb_one": f"http://127.0.0.1:{one}",
            "stats": stats,
            "processes": processes,
            "fake": fake,
            "nodes": nodes,
        }
    except Exception:
        for name in processes.running:
            if processes.tail(name):
                print(f"--- last lines of {name}:\n{processes.tail(name)}", file=sys.stderr)
        raise
    finally:
        processes.stop_all()
        if fake is not None:
            fake.stop()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(maintenance_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def learners_sign_in(lb: str, count: int, prefix: str, *, through_login: int = 2) -> list[tuple[Any, str]]:
    """Make verified learners with a session token each: (user, token).

    The first `through_login` sign in through the balancer's login endpoint; the rest get a session written straight
    into the session store by this process (sign-in is rate limited per address, and every request here comes from
    127.0.0.1). Either way the token is only a key into the shared store, which is what step 1 shows.
    """
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import login
    from django.test import RequestFactory

    from accounts.models import User
    from credits.services import signup_bonus_grant

    users = []
    for number in range(count):
        user = User.objects.create_user(email=f"{prefix}{number}@scale.local", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        # A verified address earns the welcome bonus, as a confirmed sign-up does: the credits each unlock holds.
        # (Made here rather than by allauth's confirmation signal, which a row created directly never sends.)
        signup_bonus_grant(user=user)
        users.append(user)

    def sign_in(index: int) -> str:
        if index >= through_login:
            request = RequestFactory().get("/")
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            login(request, users[index], backend="django.contrib.auth.backends.ModelBackend")
            request.session.save()
            return str(request.session.session_key)
        body = json.dumps({"email": users[index].email, "password": PASSWORD}).encode()
        status, answer, _node = http(
            "POST", f"{lb}/_allauth/app/v1/auth/login", body=body, headers={"Content-Type": "application/json"}
        )
        if status != 200:
            raise CheckFailedError(f"sign-in answered {status}: {answer}")
        return str(answer["meta"]["session_token"])

    return list(zip(users, [sign_in(index) for index in range(count)], strict=True))


def check_sessions(lb: str, learners: list[tuple[Any, str]]) -> None:
    print("1. Sessions live in the database: a token issued by one node is honoured by the other")
    answers = run_together(
        len(learners) * 2,
        lambda index: http("GET", f"{lb}/api/v1/me", headers={"X-Session-Token": learners[index // 2][1]}),
        threads=8,
    )
    nodes = collections.Counter(node for _status, _body, node in answers)
    statuses = collections.Counter(status for status, _body, _node in answers)
    require(statuses == {200: len(answers)}, f"{len(answers)} signed-in requests all answered 200 ({dict(statuses)})")
    require(len(nodes) == 2, f"they were spread over both nodes ({dict(nodes)})")


def check_unlock_race(lb: str, learners: list[tuple[Any, str]], double: tuple[Any, str]) -> None:
    from credits.models import Hold
    from credits.selectors import ledger_audit, wallet_summary
    from lessons.models import Lesson
    from tutor.models import Explanation

    print("2. The unlock race over both nodes, and the workers capturing")
    lessons = list(Lesson.objects.filter(unlock_price__gt=0).order_by("pk")[:4])
    require(len(lessons) == 4, "the demo catalog has lessons to unlock")
    before = {user.pk: wallet_summary(user=user).balance for user, _ in [*learners, double]}

    def double_submit(index: int) -> tuple:
        headers = {"X-Session-Token": double[1], "Idempotency-Key": "double-submit"}
        return http("POST", f"{lb}/api/v1/lessons/{lessons[0].slug}/unlock", headers=headers)

    answers = run_together(20, double_submit)
    statuses = sorted(status for status, _body, _node in answers)
    require(statuses.count(201) == 1 and statuses.count(200) == 19, f"one learner's 20 unlocks at once: {statuses}")
    require(Hold.objects.filter(wallet__user=double[0]).count() == 1, "they placed one hold")

    def unlock(index: int) -> tuple:
        _user, token = learners[index]
        headers = {"X-Session-Token": token, "Idempotency-Key": f"unlock-{index}"}
        return http("POST", f"{lb}/api/v1/lessons/{lessons[index % 4].slug}/unlock", headers=headers)

    answers = run_together(len(learners), unlock)
    statuses = collections.Counter(status for status, _body, _node in answers)
    nodes = collections.Counter(node for _status, _body, node in answers)
    require(statuses == {201: len(learners)}, f"{len(learners)} learners unlocking at once all answered 201")
    require(len(nodes) == 2, f"over both nodes ({dict(nodes)})")

    everyone = [user for user, _ in learners] + [double[0]]
    wait_until(
        lambda: Hold.objects.filter(wallet__user__in=everyone, status=Hold.Status.CAPTURED).count() == len(everyone),
        seconds=240,
        what="the workers to write the explanations and capture every hold",
    )
    holds = Hold.objects.filter(wallet__user__in=everyone)
    require(holds.count() == len(everyone), f"{len(everyone)} holds, one per learner")
    require(
        len({hold.captured_entry_id for hold in holds}) == len(everyone), "each captured exactly once, by its own entry"
    )
    price = {lesson.pk: lesson.unlock_price for lesson in lessons}
    for index, (user, _token) in enumerate(learners):
        expected = before[user.pk] - price[lessons[index % 4].pk]
        if wallet_summary(user=user).balance != expected:
            raise CheckFailedError(f"{user.email}: balance {wallet_summary(user=user).balance}, expected {expected}")
    require(wallet_summary(user=double[0]).balance == before[double[0].pk] - price[lessons[0].pk], "balances exact")
    require(Explanation.objects.filter(lesson__in=lessons).count() == 4, "one explanation per lesson, shared")
    require(ledger_audit() == [], "audit_ledger finds nothing")


def purchases_paid(learners: list[tuple[Any, str]], fake: Any, count: int, prefix: str) -> list[tuple[Any, Any]]:
    """Purchases started through the service and paid on the local Stripe; (purchase, its signed event) each."""
    from purchases.models import CreditPack
    from purchases.services.purchases import purchase_checkout_start

    packs = list(CreditPack.objects.filter(active=True).order_by("price"))
    if len(packs) < -(-count // len(learners)):
        raise CheckFailedError(f"{count} purchases by {len(learners)} learners need more packs for sale in the demo")
    paid = []
    for number in range(count):
        user = learners[number % len(learners)][0]
        # A learner's second purchase is of another pack: buying the same pack again while its checkout is open (its
        # webhook still in flight here) returns that checkout, as a double click does.
        pack = packs[number // len(learners)]
        purchase, _url = purchase_checkout_start(user=user, pack=pack, idempotency_key=f"{prefix}-{number}")
        seen = len(fake.events_posted)
        fake.complete(purchase.checkout_session_id, paid=True)
        event = next(e for e in fake.events_posted[seen:] if e.type == "checkout.session.completed")
        paid.append((purchase, event))
    return paid


def deliver(lb: str, event: Any) -> tuple:
    headers = {"Content-Type": "application/json", "Stripe-Signature": event.signature}
    return http("POST", f"{lb}/stripe/webhook", body=event.payload, headers=headers)


def credited_once(paid: list[tuple[Any, Any]]) -> bool:
    from credits.models import LedgerEntry

    for purchase, _event in paid:
        entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE, reference=purchase.reference)
        if entries.count() != 1:
            return False
    return True


def check_webhook_storm(lb: str, learners: list[tuple[Any, str]], fake: Any) -> None:
    from credits.models import LedgerEntry
    from credits.selectors import ledger_audit, wallet_summary
    from purchases.models import StripeEvent

    print(f"3. A webhook storm: {STORM_PURCHASES} paid purchases, each event delivered {STORM_COPIES} times")
    before = {user.pk: wallet_summary(user=user).balance for user, _ in learners}
    purchases_before = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).count()
    paid = purchases_paid(learners, fake, STORM_PURCHASES, "storm")
    deliveries = [event for _purchase, event in paid for _ in range(STORM_COPIES)]
    answers = run_together(len(deliveries), lambda index: deliver(lb, deliveries[index]), threads=40)
    statuses = collections.Counter(status for status, _body, _node in answers)
    nodes = collections.Counter(node for _status, _body, node in answers)
    firsts = sum(1 for status, body, _node in answers if status == 200 and not body.get("duplicate"))
    require(statuses == {200: len(deliveries)}, f"{len(deliveries)} deliveries all answered 200 over {dict(nodes)}")
    require(firsts == STORM_PURCHASES, f"exactly one first delivery per event ({firsts})")
    require(StripeEvent.objects.count() >= STORM_PURCHASES, "each event stored")
    added = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PURCHASE).count() - purchases_before
    require(added == STORM_PURCHASES, f"one purchase entry per purchase ({added})")
    gained = {user.pk: 0 for user, _ in learners}
    for purchase, _event in paid:
        gained[purchase.user_id] += purchase.credits
    wrong = [user for user, _ in learners if wallet_summary(user=user).balance - before[user.pk] != gained[user.pk]]
    require(not wrong, "every learner's balance grew by exactly the packs they paid for")
    require(ledger_audit() == [], "audit_ledger finds nothing")


def throughput(url: str, seconds: float, connections: int) -> tuple[float, dict[str, int]]:
    """Requests per second for the lesson list API through `url`, by wrk when installed, else Python threads."""
    target = f"{url}/api/v1/lessons"
    if shutil.which("wrk"):
        wrk = [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", target]
        out = subprocess.run(wrk, capture_output=True, text=True, check=True).stdout  # noqa: S603 - loopback load
        rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])
        return rate, {}
    deadline = time.monotonic() + seconds
    counts: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def client(index: int) -> None:
        while time.monotonic() < deadline:
            status, _body, node = http("GET", target)
            with lock:
                counts[node if status == 200 else f"status {status}"] += 1

    started = time.monotonic()
    run_together(connections, client)
    return sum(counts.values()) / (time.monotonic() - started), dict(counts)


def check_throughput(env: dict[str, Any], seconds: float) -> dict[str, float]:
    print(f"4. Throughput, lesson list API through HAProxy, {seconds:.0f} s each")
    one, _ = throughput(env["lb_one"], seconds, 8)
    two, _ = throughput(env["lb"], seconds, 8)
    print(f"  one node: {one:,.0f} req/s; two nodes: {two:,.0f} req/s (both on the same two cores as the load tool)")
    return {"one": one, "two": two}


def check_node_killed(env: dict[str, Any], learners: list[tuple[Any, str]]) -> None:
    from credits.selectors import ledger_audit

    lb, processes, stats = env["lb"], env["processes"], env["stats"]
    print(f"5. node2 killed mid-load: reads and {KILL_PURCHASES} webhook deliveries in flight")
    paid = purchases_paid(learners, env["fake"], KILL_PURCHASES, "kill")
    reads_per_client, readers = 60, 6
    started = threading.Event()
    done_reads: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    first_failure: list[Any] = []  # shown when a read fails, to tell the balancer's 503 from the app's

    def reader(index: int) -> list[int]:
        statuses = []
        for _number in range(reads_per_client):
            status, _body, _node = http("GET", f"{lb}/api/v1/lessons")
            if status == CUT:
                # An answer cut off mid-way cannot be retried by the balancer; a browser or app reads it again.
                with lock:
                    done_reads["cut"] += 1
                status, _body, _node = http("GET", f"{lb}/api/v1/lessons")
            statuses.append(status)
            if status != 200 and not first_failure:
                first_failure.append((status, _body))
            with lock:
                done_reads["n"] += 1
            if done_reads["n"] >= readers * reads_per_client // 4:
                started.set()
        return statuses

    def webhook(index: int) -> list[int]:
        # Stripe retries a delivery that did not get a 2xx; three tries here, as a bounded stand-in.
        statuses = []
        for _attempt in range(3):
            status, _body, _node = deliver(lb, paid[index][1])
            statuses.append(status)
            if status == 200:
                break
        return statuses

    def killer() -> None:
        if started.wait(60):
            processes.kill("node2")

    with ThreadPoolExecutor(max_workers=readers + 8 + 1) as pool:
        kill = pool.submit(killer)
        reads = [pool.submit(reader, index) for index in range(readers)]
        hooks = [pool.submit(webhook, index) for index in range(KILL_PURCHASES)]
        kill.result()
        read_statuses = [status for future in reads for status in future.result()]
        hook_statuses = [future.result() for future in hooks]
    require(processes.running["node2"].poll() is not None, "node2 was killed during the load")
    failed_reads = collections.Counter(status for status in read_statuses if status != 200)
    if failed_reads:
        print("  first failed read:", first_failure)
    require(not failed_reads, f"all {len(read_statuses)} reads answered 200 ({dict(failed_reads) or 'no failures'})")
    require(all(statuses[-1] == 200 for statuses in hook_statuses), "every webhook delivery ended in 200")
    retried_by_sender = sum(len(statuses) - 1 for statuses in hook_statuses)
    table = haproxy_stats(stats)
    retries = sum(int(table[f"nodes/{name}"].get("wretr") or 0) for name, _ in env["nodes"])
    redispatched = sum(int(table[f"nodes/{name}"].get("wredis") or 0) for name, _ in env["nodes"])
    print(
        f"  HAProxy retried {retries} and redispatched {redispatched} requests; {done_reads['cut']} reads were cut off"
        f" mid-answer by the kill and read again; the webhook sender re-sent {retried_by_sender} deliveries"
    )
    require(credited_once(paid), "each purchase credited exactly once")
    require(ledger_audit() == [], "audit_ledger finds nothing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node (default 2)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per throughput measure (default 5)")
    args = parser.parse_args()
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not redis.startswith("redis://"):
        print("scale_check: set DATABASE_URL=postgres://... and REDIS_URL=redis://... (the nodes share only those)")
        return 2
    if not shutil.which("haproxy"):
        print("scale_check: haproxy is not installed (make scale-check installs it: apt-get install -y haproxy)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="scale-check-"))
    started = time.monotonic()
    try:
        with scale_setup(args, work) as env:
            lb = env["lb"]
            learners = learners_sign_in(lb, UNLOCK_LEARNERS, "learner")
            (double,) = learners_sign_in(lb, 1, "double", through_login=1)
            check_sessions(lb, learners)
            check_unlock_race(lb, learners, double)
            check_webhook_storm(lb, learners, env["fake"])
            check_throughput(env, args.seconds)
            check_node_killed(env, learners)
            leftovers = sorted(
                str(path.relative_to(work))
                for name in ("node1-var", "node2-var")
                for path in (work / name).rglob("*")
                if path.is_file() and "static" not in path.parts
            )
            print("6. What the nodes wrote to their own disks (a stateless node keeps nothing there):")
            print("  " + (", ".join(leftovers) or "nothing"))
    except CheckFailedError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        print(f"logs kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"scale check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

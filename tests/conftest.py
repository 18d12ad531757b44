"""Fixtures shared by the whole suite: a clean cache per test, Debian's Chromium for Playwright, a real worker; and
the markers that sort tests into lanes and skip what the database in use cannot run."""

import shutil
from http.server import BaseHTTPRequestHandler

import pytest
from django.core.cache import cache

from tests.celery_worker import celery_worker_running

pytest_plugins = ["tests.stripe_fake.plugin", "tests.oidc_provider.plugin"]

# The test servers in this process (pytest-django's live server, which is Django's LiveServerThread, and the local
# Stripe, OpenID provider, feed and chat servers) write a response's headers and its body in separate sends. With
# Nagle's algorithm on, the body then waits for the client to acknowledge the headers, which on a kept-alive
# connection it holds back for its delayed-ACK timer (40 ms on Linux): every answer to a browser or to schemathesis
# came 40 ms late (schemathesis's visitor run: 47 s with, 11 s without). TCP_NODELAY on the servers' connections, as
# gunicorn sets it in production, sends the body at once. All of them handle requests through this class.
BaseHTTPRequestHandler.disable_nagle_algorithm = True

# Tests with any of these markers run in the slow lane (`-m slow`), once; the rest is the fast lane (`-m "not slow"`),
# in parallel with pytest-xdist, on both databases. README.md, "Tests", says which command runs which.
SLOW_LANE_MARKERS = ("slow", "worker", "e2e", "schemathesis", "load", "state_machine")


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the markers
def pytest_collection_modifyitems(config, items):
    """Sort tests into lanes, and skip `postgres` tests on SQLite and `sqlite` tests on PostgreSQL."""
    from django.conf import settings

    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_sqlite = pytest.mark.skip(reason="SQLite's own behaviour (runs without DATABASE_URL)")
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_LANE_MARKERS):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
            item.add_marker(skip_postgres)
        if item.get_closest_marker("sqlite") and settings.IS_POSTGRES:
            item.add_marker(skip_sqlite)


# The slow lane's two processes take tests in collection order, a few at a time (--dist loadgroup). Started last, a
# long test leaves one process running it alone at the end; so the longest start first. Rough seconds on two
# cores; a test not named here weighs by its markers (a real worker process or a browser start costs a few seconds).
SLOW_LANE_SECONDS = {
    "tests/credits/test_state_machine.py::": 35,
    "tests/load/test_database_crash.py::": 25,
    "tests/api/test_contract.py::test_schemathesis_finds_no_broken_promise_for_a_signed_in_learner": 18,
    "tests/credits/test_concurrency.py::": 15,  # two tests in one xdist_group: a 30 s unit
    "tests/api/test_contract.py::test_schemathesis_finds_no_broken_promise_for_a_visitor": 10,
    "tests/gamification/test_pages.py::": 10,
    "tests/purchases/test_migrations.py::": 9,
    "tests/practice/generation/test_demo_catalog.py::": 8,
}
SLOW_LANE_MARKER_SECONDS = {"worker": 8, "e2e": 3}


def slow_lane_seconds(item: pytest.Item) -> float:
    """Roughly how long a slow-lane test takes, to start the longest first; 0 for the fast lane's (kept in order)."""
    if not item.get_closest_marker("slow"):
        return 0
    for prefix, seconds in SLOW_LANE_SECONDS.items():
        if item.nodeid.startswith(prefix):
            return seconds
    weight = sum(seconds for name, seconds in SLOW_LANE_MARKER_SECONDS.items() if item.get_closest_marker(name))
    if "celery_worker" in getattr(item, "fixturenames", ()):
        weight += SLOW_LANE_MARKER_SECONDS["worker"]
    return weight or 5


def flushes_the_database(item: pytest.Item) -> bool:
    """A transactional test: its flush empties the tables, rows the migrations wrote included, so pytest-django runs
    these after the tests in a rolled-back transaction (tests without a database may go anywhere)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    )


class SlowLaneOrder:
    @pytest.hookimpl(trylast=True)  # after pytest-django's order and pytest's grouping by fixture, which it keeps
    def pytest_collection_modifyitems(self, items):
        """The longest slow-lane tests first, the transactional ones still after the others. A stable sort: the fast
        lane's tests keep their order, and every xdist worker collects the same order."""

        def key(item: pytest.Item) -> tuple[bool, float]:
            seconds = slow_lane_seconds(item)
            return (seconds > 0 and flushes_the_database(item), -seconds)

        items.sort(key=key)


def pytest_configure(config):
    config.pluginmanager.register(SlowLaneOrder(), "slow-lane-order")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """On PostgreSQL, the test database is a copy of a migrated template when one exists (tests/db_template.py).
    Returns the template's name and whether it was there, or None on SQLite."""
    from django.conf import settings

    from tests import db_template

    if not db_template.is_postgres():
        return None
    name = db_template.template_name()
    with django_db_blocker.unblock():
        found = db_template.template_exists(name)
    if found:
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = name
    return name, found


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    """pytest-django's test database; when it had to be migrated, it is kept as the template for the next ones."""
    from tests import db_template

    if django_db_modify_db_settings is not None and not django_db_modify_db_settings[1]:
        with django_db_blocker.unblock():
            db_template.template_save(django_db_modify_db_settings[0])


@pytest.fixture(autouse=True)
def _clean_cache():
    """allauth's rate limits count in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


# Flags that keep Chromium from reaching for the network a test machine may not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Debian's chromium is not installed: run `make browser` (make test does it for you).")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def celery_eager():
    """Tasks run in-process, at once, and raise: the task is exercised without a broker or a worker."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker process on the broker and database this test run uses (Redis or the embedded one)."""
    with celery_worker_running() as worker:
        yield worker


@pytest.fixture
def staff_client(client):
    """The test client signed in as a staff member (a curator, an admin user)."""
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory())
    return client

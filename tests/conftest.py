"""Fixtures shared by the whole suite: a clean cache per test, Debian's Chromium for Playwright, a real worker; and
the markers that sort tests into lanes and skip what the database in use cannot run."""

import shutil

import pytest
from django.core.cache import cache

from tests.celery_worker import celery_worker_running

pytest_plugins = ["tests.stripe_fake.plugin", "tests.oidc_provider.plugin"]

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

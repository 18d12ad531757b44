"""Probes. /healthz is liveness: the process is up and answers, whatever its dependencies do, so an outage of
PostgreSQL or Redis never gets healthy web processes restarted. /readyz is readiness: 200 when the database, the cache
and the broker answer, 503 naming the ones that do not, so a load balancer sends no traffic to a node meanwhile."""

from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_ok() -> None:
    caches["default"].get("readyz:probe")  # a read: the probe writes nothing


def _broker_ok() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": _database_ok,
    "cache": _cache_ok,
    "broker": _broker_ok,
}


def _outcome(check: Callable[[], None]) -> tuple[bool, str]:
    try:
        check()
    except Exception as exc:  # any failure means "not reachable", and we say which
        return False, exc.__class__.__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    outcomes = {name: _outcome(check) for name, check in READINESS_CHECKS.items()}
    ready = all(ok for ok, _ in outcomes.values())
    body: dict[str, object] = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: message for name, (_, message) in outcomes.items()},
    }
    if not ready:
        body["failing"] = [name for name, (ok, _) in outcomes.items() if not ok]
    return JsonResponse(body, status=200 if ready else 503)

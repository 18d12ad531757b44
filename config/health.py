"""/healthz: 200 when the database and the broker answer, 503 naming the one that does not."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not reachable", and we say which
        return False, exc.__class__.__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(ok for ok, _ in checks.values())
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: msg for name, (_, msg) in checks.items()},
    }
    if not healthy:
        body["failing"] = [name for name, (ok, _) in checks.items() if not ok]
    return JsonResponse(body, status=200 if healthy else 503)

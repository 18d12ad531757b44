"""Middleware at the edge of every request: refuse hostile bytes once, and keep the API's errors JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.page_cache import signed_in

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
HEALTHZ_PATH = "/healthz"
READYZ_PATH = "/readyz"
# Bodies these paths read themselves (the Stripe webhook verifies the exact bytes and decides what it can store).
RAW_BODY_PATHS = ("/stripe/webhook",)
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_NUL = b"\\u0000"

Handler = Callable[[HttpRequest], HttpResponse]


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _has_nul(values: object) -> bool:
    if isinstance(values, str):
        return "\x00" in values
    if isinstance(values, dict):
        return any(_has_nul(key) or _has_nul(value) for key, value in values.items())
    if isinstance(values, list | tuple):
        return any(_has_nul(value) for value in values)
    return False


def _nul_where(request: HttpRequest) -> str | None:
    """Where a NUL byte came in, or None. PostgreSQL refuses NUL in text, so one would end as a 500 deep inside."""
    if "\x00" in request.path or "\x00" in request.path_info:
        return "path"
    if any(_has_nul(key) or _has_nul(request.GET.getlist(key)) for key in request.GET):
        return "query string"
    if request.method in {"GET", "HEAD", "OPTIONS"} or request.path.startswith(RAW_BODY_PATHS):
        return None
    content_type = request.content_type or ""
    if content_type in FORM_CONTENT_TYPES:
        if any(_has_nul(key) or _has_nul(request.POST.getlist(key)) for key in request.POST):
            return "form"
    elif content_type.endswith("json") and (b"\x00" in request.body or JSON_NUL in request.body.lower()):
        return "body"
    return None


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, the query string or a form or JSON body is refused with 400 before any view runs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _nul_where(request)
        if where is not None:
            detail = f"The request's {where} contains a NUL character, which is never valid here."
            if is_api_request(request):
                return api_error(400, detail)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class HealthzMiddleware:
    """Answers GET /healthz and /readyz before host validation and the HTTPS redirect, so the container's own probe
    (http://127.0.0.1:8000/healthz) works with the production settings, which stay as strict for everything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in (HEALTHZ_PATH, READYZ_PATH) and request.method in {"GET", "HEAD"}:
            from config.health import healthz, readyz

            return healthz(request) if request.path_info == HEALTHZ_PATH else readyz(request)
        return self.get_response(request)


class PrivateAnswersMiddleware:
    """Answers to a signed-in caller are theirs alone: `Cache-Control: private, no-store`, so no shared cache (or the
    browser's back button on a shared computer) keeps them. API answers vary on X-Session-Token, which picks the
    caller just as the session cookie does."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api_request(request):
            patch_vary_headers(response, ["X-Session-Token", "Cookie"])
        personal = "HTTP_X_SESSION_TOKEN" in request.META or signed_in(request)
        if personal and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
            if "public" in response.get("Cache-Control", ""):
                response["Cache-Control"] = "private, no-store"
        return response


class ApiErrorsAsJsonMiddleware:
    """Every /api/ answer is JSON: unknown paths (404), wrong methods (405) and server errors (500) included.

    ninja answers its own errors as {"detail"}; what Django answers around it (the URL resolver's 404, ninja's bare
    405, the 500 page) is rewritten here, keeping the status and headers such as Allow."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_request(request) or response.status_code < 400 or _is_json_detail(response):
            return response
        status = response.status_code
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        details = {
            404: f"Not found: no API endpoint at {request.path}.",
            405: f"Method {request.method} is not allowed here.",
            500: "Server error: the request failed on our side and was logged; try again later.",
        }
        json_response = api_error(status, details.get(status, phrase))
        for header in ("Allow", "Retry-After", "Vary", "Cache-Control"):
            if header in response:
                json_response[header] = response[header]
        return json_response


def _is_outage(error: BaseException) -> bool:
    """A shared service (Redis as cache or broker, PostgreSQL) is unreachable: nothing the request did wrong."""
    from django_redis.exceptions import ConnectionInterrupted
    from kombu.exceptions import OperationalError as BrokerUnreachable
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeout

    if isinstance(error, ConnectionInterrupted):  # django-redis's wrapper: the cause says what happened
        error = error.__cause__ or error
    return isinstance(error, RedisConnectionError | RedisTimeout | BrokerUnreachable) or _database_unreachable(error)


# SQLSTATE classes of a lost server: 08 connection exception; 57P admin or crash shutdown, cannot connect now (57014,
# a cancelled statement, is the query's own fault and stays a server error).
_UNREACHABLE_SQLSTATES = ("08", "57P")


def _database_unreachable(error: BaseException) -> bool:
    """PostgreSQL refused the connection, dropped it or is shutting down. psycopg's errors without an SQLSTATE are the
    client's own connection failures. SQLite's OperationalError (a locked file, a missing table) is not an outage."""
    import psycopg
    from django.db import InterfaceError, OperationalError

    if not isinstance(error, OperationalError | InterfaceError):
        return False
    cause = error.__cause__
    if not isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    return cause.sqlstate is None or cause.sqlstate.startswith(_UNREACHABLE_SQLSTATES)


class ServiceOutageMiddleware:
    """A request that truly needs Redis while it is down (sign-in counts attempts in the cache), or the database while
    PostgreSQL is unreachable, answers a clear 503 with Retry-After, as JSON for the API and allauth's headless API,
    instead of a server error. Pages that do not need Redis (the catalog, lessons) keep answering, and a visitor's
    page the cache holds needs no database."""

    OUTAGE_DETAIL = "A service this request needs is briefly unavailable. Please try again in a minute."
    RETRY_AFTER_SECONDS = "30"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_outage(exception):
            return None
        logger.error("%s %s: a shared service is unreachable: %r", request.method, request.path, exception)
        if is_api_request(request) or request.path.startswith("/_allauth/"):
            return api_error(503, self.OUTAGE_DETAIL, **{"Retry-After": self.RETRY_AFTER_SECONDS})
        response = HttpResponse(
            "<!doctype html><title>Try again in a minute</title><h1>Try again in a minute</h1>"
            f"<p>{self.OUTAGE_DETAIL}</p>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
        response["Retry-After"] = self.RETRY_AFTER_SECONDS
        return response


def _is_json_detail(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json") or getattr(response, "streaming", False):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and "detail" in body

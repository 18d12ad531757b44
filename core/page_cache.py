"""Pages that look the same to every visitor, rendered once per content version and kept in the shared cache.

`@shared_page(version=...)` wraps a view (a Django view, or a ninja operation through `decorate_view`). For a
visitor's GET it answers from the cache when the content has not changed since the page was rendered; otherwise the
view renders it once, with holes where each visitor's own values go, and the cache keeps that. Signed-in callers,
htmx requests, pages with a message to show and anything but GET/HEAD go straight to the view.

- The version is the app's: a token under one cache key (`VersionKey`) that changes whenever what the page shows may
  have changed (for the catalog, `core.content_version`). Each URL's entry holds the page and the version it
  was rendered from; both are read in one round trip, and a page of another version is rendered afresh.
- Holes: a visitor's page holds no CSRF token today (nothing on it posts: the body's htmx header and the progress
  script carry one only for a signed-in learner), so it sets no cookie and is the same bytes for everyone. A form
  added to a shared page still gets each visitor's own token: while a shared page renders, the template's
  `csrf_token` is a marker (`shared_render_holes`, a context processor), and each answer gets the visitor's own
  token in its place. The marker starts with "<!--", which autoescaped text can never contain.
- Conditional GET: a weak ETag (the content version, the URL and the visitor's CSRF cookie, which the page embeds)
  and Last-Modified (when the version changed) come with every answer; a matching If-None-Match or If-Modified-Since
  gets 304 before the cache is even read.
- When the cache cannot be reached the view renders as it always did: a cache outage costs speed, never a page.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)
T = TypeVar("T")

CSRF_HOLE = "<!--shared-page:csrf-token-->"
_CSRF_HOLE_BYTES = CSRF_HOLE.encode()
# A form's one-use key (unlock, question, streak freeze): each answer gets new ones. Same name, same key in one answer.
_FRESH_KEY_HOLE = re.compile(rb"<!--shared-page:fresh-key:(\w+)-->")
_RENDERING_ATTRIBUTE = "_shared_page_rendering"
KEY_PREFIX = "page:"
# Folders whose files are not the running code: the virtualenv, local state, tests, docs.
CODE_VERSION_SKIPPED = frozenset(
    {".venv", "var", "tests", "docs", "bench", "node_modules", ".git", "platform", "__pycache__", "static"}
)


@dataclass(frozen=True)
class ContentVersion:
    """A token naming one state of the content, and when that state began (the pages' Last-Modified)."""

    token: str
    changed_at: datetime


@dataclass(frozen=True)
class VersionKey:
    """A version kept as a token under one cache key, made on first use (or after the cache lost it). Calling it
    reads the current version, and raises when the cache cannot be reached."""

    key: str
    timeout: int | None = None  # None: kept until replaced; else a token unused this long is made anew (always safe)

    def __call__(self) -> ContentVersion:
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, str(time.time_ns()), timeout=self.timeout)
            token = cache.get(self.key) or str(time.time_ns())
        return version_from_token(str(token))

    def among(self, found: dict[str, Any]) -> ContentVersion:
        """The version in values just read with `cache.get_many`, so it costs no round trip of its own; when it is
        not among them, as calling it reads it (made if need be)."""
        token = found.get(self.key)
        return version_from_token(str(token)) if token is not None else self()


def versions_read(*keys: VersionKey) -> list[ContentVersion]:
    """The current version of each key, read in one round trip. Raises when the cache cannot be reached."""
    found = cache.get_many([key.key for key in keys])
    return [key.among(found) for key in keys]


@dataclass(frozen=True)
class StoredPage:
    content: bytes  # with holes
    content_type: str
    version_token: str = ""  # a shared page: the content version it was rendered from


def shared_render_holes(request: HttpRequest) -> dict[str, SafeString]:
    """Context processor: while a shared page renders, `{{ csrf_token }}` and `{% csrf_token %}` write a hole."""
    if getattr(request, _RENDERING_ATTRIBUTE, False):
        return {"csrf_token": mark_safe(CSRF_HOLE)}  # noqa: S308 - a constant of ours
    return {}


def session_user_id(request: HttpRequest) -> str | None:
    """The id of the user this request's session signed in, read from the session alone (no query)."""
    session = getattr(request, "session", None)
    return None if session is None else session.get(SESSION_KEY)


def signed_in(request: HttpRequest) -> bool:
    """Whether the caller is (or claims to be) signed in, without loading the user when the session says so: a
    session with a user in it is someone's, and without one the lazy user is anonymous at no cost."""
    if session_user_id(request) is not None:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def request_cacheable(request: HttpRequest) -> bool:
    """Whether this answer may come from (and go into) the page cache, whoever asks: a GET or HEAD of a page, with
    no message waiting to be shown in it."""
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if "HTTP_X_SESSION_TOKEN" in request.META or "HTTP_HX_REQUEST" in request.META:
        return False
    # A message (after signing out, say) belongs in this answer only; len() reads the store without using it up.
    return not (hasattr(request, "_messages") and len(messages.get_messages(request)))


def page_cacheable(request: HttpRequest) -> bool:
    """Whether this request may get (and make) the page every visitor sees."""
    return not signed_in(request) and request_cacheable(request)


@functools.cache
def code_version() -> str:
    """This release of the code: RELEASE_ID when the deployment sets one (a commit id), else a digest of the project's
    templates and Python files (names, sizes, modification times). Every cached page and part has it in its key, so
    a deploy that changes how a page looks never serves the old look."""
    if settings.RELEASE_ID:
        return str(settings.RELEASE_ID)
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in CODE_VERSION_SKIPPED)
        for name in sorted(files):
            if name.endswith((".py", ".html")):
                stat = (Path(folder) / name).stat()
                digest.update(f"{Path(folder, name).relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _page_key(request: HttpRequest) -> str:
    """Where a shared page is kept: one entry per URL, holding the version it was rendered from (`StoredPage`), so
    the version and the page are read in one round trip. The day too: pages show ages ("3d ago")."""
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}{code_version()}:{timezone.localdate().isoformat()}:{path}"


def _etag(key: str, request: HttpRequest) -> str:
    # A page with a form embeds a token made from the visitor's CSRF cookie: a new cookie must not revalidate it.
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    digest = hashlib.blake2b(f"{key}|{csrf_cookie}".encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def cache_call(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``operation(*args, **kwargs)``, or None when the cache cannot be reached (logged)."""
    try:
        return operation(*args, **kwargs)
    except Exception:  # the cache is down: the page renders without it, and the log says why
        logger.warning(
            "page cache: the cache did not answer (%s)", getattr(operation, "__name__", operation), exc_info=True
        )
        return None


_MISSING = object()


def cached_or_computed(key: str, compute: Callable[[], T], *, timeout: int) -> T:
    """The value stored under ``key``, or ``compute()``'s, stored there for ``timeout`` seconds. The key must name
    everything the value was built from (a version, the day), so a changed input is a new key and nothing is ever
    invalidated by hand; the code's release is added to it here. When the cache cannot be reached the value is
    computed, and the log says why."""
    key = f"{code_version()}:{key}"
    found = cache_call(cache.get, key, _MISSING)
    if found is not None and found is not _MISSING:
        return found
    value = compute()
    cache_call(cache.set, key, value, timeout)
    return value


def fresh_key(request: HttpRequest | None, name: str) -> str:
    """A new one-use key for a form (a double click or a resent form reuses it, so the action happens once). While a
    page renders for the cache it is a hole, and each answer made from that page gets keys of its own."""
    if request is not None and getattr(request, _RENDERING_ATTRIBUTE, False):
        return mark_safe(f"<!--shared-page:fresh-key:{name}-->")  # noqa: S308 - made of our own names
    return str(uuid.uuid4())


def holes_filled(content: bytes, request: HttpRequest) -> bytes:
    """The page with this answer's own values where the cached copy has holes: the caller's CSRF token, new keys."""
    if _CSRF_HOLE_BYTES in content:
        content = content.replace(_CSRF_HOLE_BYTES, get_token(request).encode())
    if b"fresh-key:" in content:
        keys: dict[bytes, bytes] = {}
        content = _FRESH_KEY_HOLE.sub(lambda hole: keys.setdefault(hole[1], str(uuid.uuid4()).encode()), content)
    return content


def stored_answer(stored: StoredPage, request: HttpRequest) -> HttpResponse:
    return HttpResponse(holes_filled(stored.content, request), content_type=stored.content_type)


def _answer(stored: StoredPage, request: HttpRequest, *, etag: str, version: ContentVersion) -> HttpResponse:
    response = stored_answer(stored, request)
    _validators_set(response, etag=etag, version=version)
    return response


def rendered_with_holes(view: Callable[..., Any], request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    """The view's answer rendered with holes where each caller's own values go (see `holes_filled`)."""
    setattr(request, _RENDERING_ATTRIBUTE, True)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()  # a TemplateResponse renders now, while the holes are on
    finally:
        setattr(request, _RENDERING_ATTRIBUTE, False)
    return response


def keepable(response: HttpResponseBase) -> StoredPage | None:
    """What the cache keeps of an answer: a whole page (200, not streamed, no cookie of its own), else None."""
    if response.streaming or response.status_code != 200 or response.cookies or not isinstance(response, HttpResponse):
        return None
    return StoredPage(content=response.content, content_type=response["Content-Type"])


def answer_not_kept(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """A response not worth keeping (an error page, a redirect) still goes out with the caller's own values."""
    if not response.streaming and isinstance(response, HttpResponse):
        response.content = holes_filled(response.content, request)
    return response


def _validators_set(response: HttpResponseBase, *, etag: str, version: ContentVersion) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(version.changed_at.timestamp())
    # The browser may keep the page but asks each time (a 304 is cheap); no shared cache keeps it: it holds a token.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def shared_page(*, version: VersionKey) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a visitor's GET of the wrapped view from the shared cache when the page kept for its URL was rendered
    from the current ``version``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not page_cacheable(request):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            found = cache_call(cache.get_many, [version.key, key])  # one round trip: the version and the page
            current = cache_call(version.among, found) if found is not None else None
            if current is None:
                return view(request, *args, **kwargs)
            etag = _etag(f"{key}:{current.token}", request)
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=int(current.changed_at.timestamp())
            )
            if not_modified is not None:
                _validators_set(not_modified, etag=etag, version=current)
                return not_modified
            stored = found.get(key)
            if isinstance(stored, StoredPage) and stored.version_token == current.token:
                return _answer(stored, request, etag=etag, version=current)
            response = rendered_with_holes(view, request, *args, **kwargs)
            kept = keepable(response)
            if kept is None:
                return answer_not_kept(response, request)
            kept = dataclasses.replace(kept, version_token=current.token)
            cache_call(cache.set, key, kept, settings.PAGE_CACHE_SECONDS)
            return _answer(kept, request, etag=etag, version=current)

        return wrapper

    return decorator


_M = TypeVar("_M", bound=models.Model)


def nothing_stale() -> None:
    """Nothing to drop: a write that changed nothing cached pages show."""


class StaleOnWriteQuerySet(models.QuerySet[_M]):
    """A queryset whose writes that send no model signal (`update()`, `bulk_create()`, `bulk_update()`) say which
    cached pages they made stale, so no caller can forget to. Subclasses answer, before the write, what to drop once
    rows were written: the content version (core/content_version.py) or learners' pages (core/learner_pages.py)."""

    def stale_after_update(self, **update: Any) -> Callable[[], None]:
        """What to drop when updating these rows with ``update`` wrote any (asked before the update runs)."""
        raise NotImplementedError

    def stale_after_rows(self, rows: list[_M]) -> Callable[[], None]:
        """What to drop when ``rows`` were written in bulk (asked after a bulk create, before a bulk update)."""
        raise NotImplementedError

    def update(self, **kwargs: Any) -> int:
        drop = self.stale_after_update(**kwargs)  # before: an update may move the rows out of this queryset
        updated = super().update(**kwargs)
        if updated:
            drop()
        return updated

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            self.stale_after_rows(list(created))()
        return created

    def bulk_update(self, objs: Iterable[_M], fields: Any, *args: Any, **kwargs: Any) -> int:
        rows = list(objs)
        drop = self.stale_after_rows(rows) if rows else nothing_stale
        updated = super().bulk_update(rows, fields, *args, **kwargs)
        if updated:
            drop()
        return updated


def version_from_token(token: str) -> ContentVersion:
    """A version whose token is the time it was made, in nanoseconds since the epoch."""
    return ContentVersion(token=token, changed_at=datetime.fromtimestamp(int(token) / 1e9, tz=UTC))

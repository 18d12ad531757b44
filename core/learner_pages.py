"""Pages a signed-in learner sees, kept for that learner until something they can see changes.

`@learner_page(version=...)` wraps a view whose page is a learner's own (the lesson page with their marks and tutor,
the credit statement, /me/). A signed-in GET is answered from the cache when neither the content (``version()``, as
for visitors' pages) nor anything of the learner's has changed since the page was rendered; otherwise the view renders
it, with holes for the CSRF token and the forms' one-use keys (core/page_cache.py), and the cache keeps it for
`LEARNER_PAGE_SECONDS`. A hit reads the session, the two version tokens (one round trip) and the page: no query, not
even the user's row.

The learner's version is a token in the cache per learner (`learner_version`), in every key of their pages. It is
dropped (`learner_changed`: at once, and again when the transaction commits) by:

- any save or delete of a row that belongs to a learner (a model whose manager is a `LearnerRowsQuerySet`, and the
  user itself): model signals, connected in `invalidation_connect()`, so admin, services, shell and workers are
  covered; a queryset delete sends them for each row too;
- the writes that send no signal (`update()`, `bulk_create()`, `bulk_update()`): the `LearnerRowsQuerySet` drops the
  pages of every learner whose rows it wrote, so no service can forget to (tests/platform_checks/
  test_invalidation.py fails on a model of ours with a `user` foreign key and another manager, and on a write that
  goes around the managers); the ledger's one-statement SQL drops its learner's where it runs the statement;
- any POST, PUT, PATCH or DELETE a signed-in learner sends (`LearnerWritesMiddleware`): whatever they did, their next
  page is rendered afresh.

The key also holds the session's contents (who is signed in, with which password: a changed password is a save of
the user, so a new version, and the old session's next request is refused by Django as before) and the full URL.
What changes by the clock or by other learners (midnight in the learner's zone, a hold's expiry, the league's places)
is at most `LEARNER_PAGE_SECONDS` old. Staff pages, pages with a message, htmx fragments and answers that change the
session or set a cookie are never kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.signals import post_delete, post_save, pre_delete
from django.db.models.sql.where import AND
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.page_cache import (
    KEY_PREFIX,
    ContentVersion,
    StaleOnWriteQuerySet,
    StoredPage,
    VersionKey,
    answer_not_kept,
    cache_call,
    code_version,
    keepable,
    rendered_with_holes,
    request_cacheable,
    session_user_id,
    stored_answer,
    versions_read,
)

VERSION_KEY_PREFIX = "learner-version:"
# A learner away for longer than this gets a new token on return: their old pages are unreachable, which is safe.
VERSION_SECONDS = 7 * 24 * 3600
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _learner_version_key(user_id: object) -> VersionKey:
    return VersionKey(f"{VERSION_KEY_PREFIX}{user_id}", timeout=VERSION_SECONDS)


def learner_version(user_id: object) -> str:
    """The learner's current version token (made on first use, or after `learner_changed` dropped it). Raises when
    the cache cannot be reached."""
    return _learner_version_key(user_id)().token


class _DropAtCommit:
    """The learners changed in one transaction, whose versions are dropped together when it commits."""

    def __init__(self) -> None:
        self.user_ids: set[object] = set()

    def __call__(self) -> None:
        _versions_drop(self.user_ids)


def learner_changed(*user_ids: object) -> None:
    """Something these learners see has changed: their cached pages are not served again.

    The versions are dropped now and, inside a transaction, again when it commits (together, once per transaction):
    a request that read the rows before the commit may have made a new version meanwhile and kept the old rows under
    it; that one is dropped too. Outside a transaction the write is committed already: once is enough.
    """
    changed = {user_id for user_id in user_ids if user_id is not None}
    if not changed:
        return
    _versions_drop(changed)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _pending(connection).user_ids.update(changed)


def _pending(connection: BaseDatabaseWrapper) -> _DropAtCommit:
    for entry in connection.run_on_commit:  # (savepoints, callback, robust)
        if isinstance(entry[1], _DropAtCommit):
            return entry[1]
    pending = _DropAtCommit()
    transaction.on_commit(pending, robust=True)
    return pending


def _versions_drop(user_ids: Iterable[object]) -> None:
    # A cache outage does not stop the write; the pages then wait for their expiry (LEARNER_PAGE_SECONDS).
    cache_call(cache.delete_many, [_learner_version_key(user_id).key for user_id in user_ids])


def _learner_key(*, content: ContentVersion, learner: str, request: HttpRequest) -> str:
    # The CSRF token is a hole filled for each answer (core/page_cache.py), so the CSRF cookie is not in the key.
    session = json.dumps(dict(request.session.items()), sort_keys=True, default=str)
    digest = hashlib.blake2b(f"{session}|{request.get_full_path()}".encode(), digest_size=16).hexdigest()
    day = timezone.localdate().isoformat()
    return f"{KEY_PREFIX}learner:{code_version()}:{content.token}:{learner}:{day}:{digest}"


def _rendered_for(request: HttpRequest, user_id: str) -> bool:
    """Whether the page just rendered is this session's learner's own: the session's user was found and signed in
    (Django checked the password hash), is not staff (their pages show drafts), and the session did not change."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and str(user.pk) == str(user_id)
        and not user.is_staff
        and not request.session.modified
    )


def learner_page(*, version: VersionKey) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a signed-in learner's GET of the wrapped view from their cached copy (see the module)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user_id = session_user_id(request)
            if user_id is None or settings.LEARNER_PAGE_SECONDS <= 0 or not request_cacheable(request):
                return view(request, *args, **kwargs)
            tokens = cache_call(versions_read, version, _learner_version_key(user_id))  # one round trip for both
            if tokens is None:
                return view(request, *args, **kwargs)
            key = _learner_key(content=tokens[0], learner=tokens[1].token, request=request)
            stored = cache_call(cache.get, key)
            if isinstance(stored, StoredPage):
                return stored_answer(stored, request)
            response = rendered_with_holes(view, request, *args, **kwargs)
            kept = keepable(response) if _rendered_for(request, user_id) else None
            if kept is None:
                return answer_not_kept(response, request)
            cache_call(cache.set, key, kept, settings.LEARNER_PAGE_SECONDS)
            return stored_answer(kept, request)

        return wrapper

    return decorator


class LearnerWritesMiddleware:
    """Whatever a signed-in learner's POST, PUT, PATCH or DELETE did, their next page is rendered afresh."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in UNSAFE_METHODS:
            return self.get_response(request)
        before = session_user_id(request)  # signing out empties the session: read who it was first
        response = self.get_response(request)
        user = getattr(request, "user", None)
        learner_changed(before, user.pk if user is not None and user.is_authenticated else None)
        return response


_M = TypeVar("_M", bound=models.Model)


class LearnerRowsQuerySet(StaleOnWriteQuerySet[_M]):
    """Rows learners own (or read): its writes that send no model signal drop the pages of every learner whose rows
    they wrote. A model says whose rows they are with ``learner_field``: ``user_id`` (the default) for a row with a
    `user` foreign key, or a path such as ``wallet__user_id`` (a hold) or ``lesson__unlocks__user_id`` (an
    explanation: everyone who unlocked its lesson reads it). Use it as the model's manager:
    ``objects = LearnerRowsQuerySet.as_manager()``, or subclass it for the model's own queries."""

    learner_field = "user_id"

    def learners(self) -> set[object]:
        """The learners whose rows these are (one query)."""
        return set(self.order_by().values_list(self.learner_field, flat=True).distinct()) - {None}

    def learners_named(self) -> set[object] | None:
        """The learners the filter itself names (`filter(user=…)`, `filter(user_id__in=[…])`, ANDed with anything
        else), without a query: every row is one of theirs, so dropping their pages covers the write. None when the
        filter does not name them that plainly (an OR, a negation, a subquery, an expression, a path)."""
        where = self.query.where
        if "__" in self.learner_field or where.negated or where.connector != AND:
            return None
        for lookup in where.children:
            if not (isinstance(lookup, Exact | In) and isinstance(lookup.lhs, Col)):
                continue
            if lookup.lhs.alias != self.query.base_table or lookup.lhs.target.attname != self.learner_field:
                continue
            values = [lookup.rhs] if isinstance(lookup, Exact) else lookup.rhs
            if not isinstance(values, list | tuple | set | frozenset):
                continue  # a subquery or an expression: only the database knows whose rows
            named = {value.pk if isinstance(value, models.Model) else value for value in values}
            if all(isinstance(value, int | str) for value in named):
                return named - {None}
        return None

    def stale_after_update(self, **update: Any) -> Callable[[], None]:
        named = self.learners_named()
        learners = named if named is not None else self.learners()
        return lambda: learner_changed(*learners)

    def stale_after_rows(self, rows: list[_M]) -> Callable[[], None]:
        if "__" not in self.learner_field:
            learners = {getattr(row, self.learner_field) for row in rows}
        else:
            by_pk = self.model._default_manager.filter(pk__in=[row.pk for row in rows])
            learners = by_pk.learners()  # type: ignore[attr-defined]
        return lambda: learner_changed(*learners)


def learner_statement_run(sql: str, params: Mapping[str, Any], *, refusable: bool = True) -> tuple[Any, ...] | None:
    """Run one raw SQL statement that writes a learner's rows and returns one row whose last column is that learner's
    id; drop their pages and return the row, or None when it changed nothing. SQL sends no model signal, so this is the
    one door for raw writes to learners' rows (the one-statement paths of the ledger, XP and review answers).

    ``refusable``: a constraint may refuse the statement, and the caller then takes another path (None is returned).
    Inside a caller's transaction the statement then rides in a savepoint, so a refusal never spoils that transaction
    (in autocommit it is its own transaction, and when it fails nothing of it stays). A statement whose refusal would
    be a bug (it runs under locks that rule the conflict out) passes False: it spares the savepoint's two round trips
    and a refusal raises, failing the caller's transaction as the ORM's save would."""
    scope = transaction.atomic() if refusable and connection.in_atomic_block else contextlib.nullcontext()
    try:
        with scope, connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:
        if not refusable:
            raise
        return None
    if row is not None:
        learner_changed(row[-1])
    return row


def learner_rows_queryset(model: type[models.Model]) -> type[LearnerRowsQuerySet[Any]] | None:
    """The model's LearnerRowsQuerySet class, or None when its manager is another kind."""
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    if isinstance(queryset_class, type) and issubclass(queryset_class, LearnerRowsQuerySet):
        return queryset_class
    return None


def _user_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    learner_changed(instance.pk)


def _owned_row_changed(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    queryset_class = learner_rows_queryset(sender)
    field = queryset_class.learner_field if queryset_class is not None else "user_id"
    if "__" not in field:
        learner_changed(getattr(instance, field))
    elif instance.pk is not None:  # a path: read through the row (before a delete, while it is still there)
        learner_changed(*sender._default_manager.filter(pk=instance.pk).learners())  # type: ignore[attr-defined]


def invalidation_connect() -> None:
    """Every model whose manager is a LearnerRowsQuerySet, and the user model itself, drops its learners' pages on
    each save and delete (models of other libraries with a `user` foreign key too, through their signals)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    owned = [
        model
        for model in apps.get_models()
        if learner_rows_queryset(model) is not None
        or any(
            field.name == "user" and (field.many_to_one or field.one_to_one) and field.related_model is user_model
            for field in model._meta.concrete_fields
        )
    ]
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="learner-pages-user-save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="learner-pages-user-delete")
    for model in owned:
        label = model._meta.label_lower
        queryset_class = learner_rows_queryset(model)
        through_path = queryset_class is not None and "__" in queryset_class.learner_field
        deleted = pre_delete if through_path else post_delete
        post_save.connect(_owned_row_changed, sender=model, dispatch_uid=f"learner-pages-{label}-save")
        deleted.connect(_owned_row_changed, sender=model, dispatch_uid=f"learner-pages-{label}-delete")

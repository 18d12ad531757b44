"""Cached pages cannot be forgotten: every write to a learner's rows or to the catalog drops the pages that show them.

Saves and deletes send model signals; the writes that send none (`update()`, `bulk_create()`, `bulk_update()`) go
through the models' managers, which drop the pages themselves (core/learner_pages.py, core/content_version.py). These
tests fail when a model of ours is left without such a manager, and when code goes around the managers: a model's
`_base_manager`, a bare `QuerySet` built or called by hand, or SQL that writes such a table outside the one door for
raw writes (`learner_statement_run`). One-use form keys on pages that may be cached come from `fresh_key`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from core.content_version import content_rows_queryset
from core.learner_pages import learner_rows_queryset
from lessons.cache import CONTENT_MODELS

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("core", "accounts", "lessons", "credits", "tutor", "gamification", "ingest", "privacy", "api", "demo")
# The learner's rows that hang off another row rather than a `user` column.
LEARNER_ROWS_THROUGH = ("credits.Hold", "credits.LedgerEntry", "tutor.Explanation")
WRITE_SQL = re.compile(r"\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def _our_models() -> list[type]:
    return [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


def _learner_models() -> list[type]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    owned = [
        model
        for model in _our_models()
        if any(
            field.name == "user" and (field.many_to_one or field.one_to_one) and field.related_model is user_model
            for field in model._meta.concrete_fields
        )
    ]
    return owned + [apps.get_model(label) for label in LEARNER_ROWS_THROUGH]


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(), filename=str(path)))
        for app in OUR_APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_every_model_with_a_user_drops_its_learners_pages_from_its_manager():
    missing = [model._meta.label for model in _learner_models() if learner_rows_queryset(model) is None]
    assert len(_learner_models()) > 20
    assert missing == [], "Give these `objects = LearnerRowsQuerySet.as_manager()` (core/learner_pages.py)"


def test_every_catalog_model_starts_a_new_content_version_from_its_manager():
    missing = [model._meta.label for model in CONTENT_MODELS if content_rows_queryset(model) is None]
    assert missing == [], "Give these a ContentRowsQuerySet manager (core/content_version.py)"


def _protected_tables() -> set[str]:
    return {model._meta.db_table for model in [*_learner_models(), *CONTENT_MODELS]}


WRITES = frozenset({"update", "bulk_create", "bulk_update", "delete"})


def _chain(node: ast.expr) -> list[str]:
    """The attribute names a call's receiver is built from: `a._base_manager.filter(x).update` → [..., "filter",
    "_base_manager", "a"]."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return [*names, node.id]
        else:
            return names


def _bypasses(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and "_base_manager" in _chain(node.func.value)
        ):
            found.append((node.lineno, f"._base_manager...{node.func.attr}() (a manager that drops no pages)"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name | ast.Attribute)
            and (node.func.value.id if isinstance(node.func.value, ast.Name) else node.func.value.attr) == "QuerySet"
            and node.func.attr in WRITES
        ):
            found.append((node.lineno, f"QuerySet.{node.func.attr}(...) called on a queryset by hand"))
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id == "QuerySet")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "QuerySet")
        ):
            found.append((node.lineno, "a bare QuerySet(...) built by hand"))
    return found


def _raw_writes(tree: ast.Module, tables: set[str]) -> list[tuple[int, str]]:
    return [
        (node.lineno, f"SQL that writes {table}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for table in WRITE_SQL.findall(node.value)
        if table in tables
    ]


def _passes_sql_only_to_the_door(tree: ast.Module) -> bool:
    """Whether the module runs no SQL itself (no cursor) and hands its statements to `learner_statement_run`."""
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return "learner_statement_run" in names and "cursor" not in attributes and "execute" not in attributes


def test_no_write_goes_around_the_managers_that_drop_cached_pages():
    tables = _protected_tables()
    offences = []
    for path, tree in _sources():
        found = _bypasses(tree)
        if path != ROOT / "core" / "learner_pages.py":
            raw = _raw_writes(tree, tables)
            found += [] if raw and _passes_sql_only_to_the_door(tree) else raw
        offences += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found]
    assert offences == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Wallet._base_manager.filter(pk=1).update(balance=0)", 1),
        ("QuerySet.update(LessonProgress.objects.all(), opened_at=None)", 1),
        ("QuerySet(model=LessonProgress).update(opened_at=None)", 1),
        ("LessonProgress.objects.filter(user=user).update(opened_at=None)", 0),
        ("Lesson.objects.filter(pk__in=Lesson._base_manager.filter(x).values('pk'))", 0),
    ],
)
def test_the_check_sees_a_write_around_the_managers(source, expected):
    assert len(_bypasses(ast.parse(source))) == expected


def test_the_check_sees_sql_that_writes_a_learners_table():
    tree = ast.parse('cursor.execute("UPDATE credits_wallet SET balance = 0 WHERE id = %s", [1])')
    assert _raw_writes(tree, _protected_tables()) == [(1, "SQL that writes credits_wallet")]
    assert not _passes_sql_only_to_the_door(tree)


def test_forms_on_rendered_pages_take_their_one_use_keys_from_fresh_key():
    """A key made with uuid4 in a view or template tag would be frozen into a cached page and shared by everyone who
    gets it; `fresh_key` writes a hole that each answer fills with a new key."""
    renderers = [
        (path, tree)
        for path, tree in _sources()
        if path.name.endswith("views.py") or "templatetags" in path.parts or path.name == "page_parts.py"
    ]
    offences = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in renderers
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"uuid4", "uuid1"}
    ]
    assert renderers
    assert offences == []


@pytest.mark.django_db
def test_an_update_of_a_learners_rows_by_queryset_drops_their_pages_and_only_theirs():
    from core.learner_pages import learner_version
    from gamification.models import LearnerProfile
    from tests.factories import UserFactory

    learner, other = UserFactory(), UserFactory()
    LearnerProfile.objects.get_or_create(user=learner)
    before, other_before = learner_version(learner.pk), learner_version(other.pk)
    assert LearnerProfile.objects.filter(user=learner).update(daily_goal=50) == 1
    assert learner_version(learner.pk) != before
    assert learner_version(other.pk) == other_before


@pytest.mark.django_db
def test_a_polls_bookkeeping_keeps_the_content_version_and_a_renamed_source_starts_a_new_one():
    from django.utils import timezone

    from core.content_version import content_version
    from lessons.models import Source

    source = Source.objects.create(name="Feed", feed_url="https://example.org/feed", feed_format="rss")
    before = content_version().token
    Source.objects.filter(pk=source.pk).update(last_polled_at=timezone.now(), consecutive_failures=0)
    assert content_version().token == before
    Source.objects.filter(pk=source.pk).update(name="Feed, renamed")
    assert content_version().token != before

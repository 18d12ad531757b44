"""The private parts of Django and allauth this project still relies on, pinned in one place: an upgrade that renames
or reshapes one fails here, loudly, instead of quietly turning a feature off (an override nobody calls any more, a
session store that stops falling back to the database, invalidation that stops finding its commit callback).

Each test names the code that relies on the attribute. The cache backend is django-redis (no private attribute of it
is used); where the project once patched Django's Redis backend, nothing is left to pin."""

import inspect
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches
from django.db import connection, transaction
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_the_cached_db_session_store_has_the_cache_and_database_reads_accounts_sessions_overrides():
    # accounts/sessions.py: load() reads self._cache and self.cache_key, then self._get_session_from_db().
    from accounts.sessions import SessionStore

    assert issubclass(SessionStore, CachedDBStore)
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert store._cache is caches[settings.SESSION_CACHE_ALIAS]
    assert store.cache_key.endswith(store.session_key)
    assert store._get_session_from_db().session_key == store.session_key
    assert SessionStore(store.session_key).load() == {"answer": 42}


def test_on_commit_callbacks_are_kept_as_savepoints_callback_robust_on_the_connection():
    # core/learner_pages.py and core/content_version.py look for their own callback in connection.run_on_commit
    # (entry[1]) so a transaction drops each learner's pages once.
    def callback() -> None:
        return None

    with transaction.atomic():
        transaction.on_commit(callback, robust=True)
        entry = connection.run_on_commit[-1]
        assert len(entry) == 3
        assert entry[1] is callback
        assert entry[2] is True


def test_the_openid_connect_adapter_still_decodes_id_tokens_through_the_method_accounts_oidc_overrides():
    # accounts/oidc.py overrides _decode_id_token to always check the signature; renamed upstream, the override
    # would silently never run.
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    assert list(inspect.signature(OpenIDConnectOAuth2Adapter._decode_id_token).parameters) == [
        "self",
        "app",
        "id_token",
    ]
    source = inspect.getsource(OpenIDConnectOAuth2Adapter)
    assert "self._decode_id_token(" in source


def test_allauths_internal_jwt_kit_takes_the_arguments_accounts_oidc_passes():
    from allauth.socialaccount.internal import jwtkit

    parameters = inspect.signature(jwtkit.verify_and_decode).parameters
    assert {"credential", "keys_url", "issuer", "audience", "lookup_kid", "verify_signature"} <= set(parameters)
    assert callable(jwtkit.lookup_kid_jwk)


def test_allauths_internal_login_not_required_decorator_marks_the_oidc_callback():
    from allauth.account.internal.decorators import login_not_required

    from accounts.oidc import oidc_callback

    assert callable(login_not_required)
    assert getattr(oidc_callback, "login_required", True) is False


def test_allauths_reauthentication_helpers_take_what_accounts_reauthentication_passes():
    from allauth.account.authentication import get_authentication_records
    from allauth.core import ratelimit

    assert list(inspect.signature(get_authentication_records).parameters)[:2] == ["request", "user"]
    assert {"action", "user"} <= set(inspect.signature(ratelimit.consume).parameters)


def test_a_request_keeps_its_pending_messages_where_the_page_cache_looks_for_them(client):
    # core/page_cache.py: request_cacheable() checks request._messages before reading (and using up) the messages.
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware

    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    assert hasattr(request, "_messages")


def test_prefetched_rows_live_where_the_lesson_page_parts_reset_them():
    # lessons/page_parts.py sets lesson._prefetched_objects_cache after reading a lesson's rows its own way.
    from lessons.models import Lesson
    from tests.factories import PublishedLessonFactory

    lesson = Lesson.objects.prefetch_related("chapters").get(pk=PublishedLessonFactory().pk)
    assert "chapters" in lesson._prefetched_objects_cache


def ninja_operations(api: Any) -> list[Any]:
    """Every operation of a django-ninja API, read through its private list of routers (ninja offers no public one).
    tests/api/test_errors.py checks the endpoint functions' names through this, so the reliance lives here."""
    return [
        operation
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]


def test_ninja_keeps_its_routers_and_their_operations_where_the_endpoint_name_check_reads_them():
    from api.v1 import api

    operations = ninja_operations(api)
    assert len(operations) > 10
    assert all(callable(operation.view_func) for operation in operations)


def test_no_other_test_reads_a_private_attribute_this_module_pins():
    """A private attribute read elsewhere breaks on an upgrade in a place nobody looks: read it here, offer a helper."""
    pinned = ("._routers", ".path_operations")
    here = Path(__file__).resolve()
    elsewhere = [
        f"{path.relative_to(here.parents[2])}: {name}"
        for path in here.parents[1].rglob("*.py")
        if path != here
        for name in pinned
        if name in path.read_text()
    ]
    assert elsewhere == []

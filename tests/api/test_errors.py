"""Every /api/v1/ answer is JSON {"detail"}: unknown paths, wrong methods and server errors included."""

import pytest
from django.test import Client

from tests.platform_checks.test_private_apis import ninja_operations

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found")


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(client):
    response = client.delete("/api/v1/lessons")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method DELETE is not allowed here."}
    assert "GET" in response["Allow"]


def test_a_server_error_is_a_json_500_without_a_traceback(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.lessons.catalog_slice_get", broken)
    response = Client(raise_request_exception=False).get("/api/v1/lessons")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "secret" not in response.content.decode()
    assert response.json()["detail"].startswith("Server error")


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_domain_error_without_a_status_stays_a_json_500(monkeypatch):
    from credits.exceptions import HoldNotOpen

    def broken(**kwargs):
        raise HoldNotOpen("an invariant broke")

    monkeypatch.setattr("api.lessons.catalog_slice_get", broken)
    response = Client(raise_request_exception=False).get("/api/v1/lessons")
    assert response.status_code == 500
    assert "invariant" not in response.json()["detail"]


def test_domain_errors_are_answered_by_the_one_handler_with_the_status_they_carry(monkeypatch):
    from credits.exceptions import InsufficientCredits
    from purchases.exceptions import CheckoutRateLimited

    cases = [
        (InsufficientCredits(available=3, required=30), 402, {"available": 3, "price": 30}, None),
        (CheckoutRateLimited(retry_after=90), 429, {}, "90"),
    ]
    for error, status, extra, retry_after in cases:

        def raising(error=error, **kwargs):
            raise error

        monkeypatch.setattr("api.lessons.catalog_slice_get", raising)
        response = Client().get("/api/v1/lessons")
        assert response.status_code == status
        assert response.json() == {"detail": str(error), **extra}
        assert response.get("Retry-After") == retry_after
    assert str(cases[0][0]) == "Not enough credits: ⚡3 available, ⚡30 needed."


def test_no_endpoint_translates_domain_errors_itself():
    """One mapping (api/errors.py): an `except` in an endpoint module may branch on an error, never re-raise it."""
    import ast
    from pathlib import Path

    for path in Path("api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler):
                raised = [child for child in ast.walk(node) if isinstance(child, ast.Raise) and child.exc is not None]
                assert not raised, f"{path}:{node.lineno} turns an error into another"


def test_endpoint_functions_read_unlike_services_and_keep_their_operation_ids(client):
    from api.v1 import api

    for operation in ninja_operations(api):  # ninja's private router list, pinned in test_private_apis.py
        assert operation.view_func.__name__.endswith("_endpoint"), operation.view_func.__name__
    ids = {
        operation["operationId"]
        for methods in client.get("/api/v1/openapi.json").json()["paths"].values()
        for operation in methods.values()
    }
    assert {"api_tutor_lesson_unlock", "api_gamification_complete", "api_credit_packs_credit_pack_checkout"} <= ids

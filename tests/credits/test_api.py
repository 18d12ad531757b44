"""GET /api/v1/me/ledger: the caller's own balance, holds and entries, through a session token or a cookie."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.models import EntryKind
from credits.services import credits_grant, credits_spend, hold_place
from tests.app_sessions import session_token
from tests.credits.conftest import fund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(client, funded_learner):
    return session_token(client, funded_learner)


def ledger(client, token, **params):
    return client.get("/api/v1/me/ledger", params, headers={"X-Session-Token": token})


def test_anonymous_callers_get_401_as_json(client):
    response = client.get("/api/v1/me/ledger")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_ledger_answers_balance_available_holds_and_entries_newest_first(client, token, funded_learner):
    credits_spend(user=funded_learner, amount=10, reason="Quiz", reference="quiz:1", idempotency_key="s")
    hold = hold_place(
        user=funded_learner, amount=30, reason="AI tutor explanation", reference="unlock:lesson:4", idempotency_key="h"
    )
    response = ledger(client, token)
    assert response.status_code == 200
    body = response.json()
    assert (body["balance"], body["available"], body["count"]) == (90, 60, 3)
    assert body["holds"] == [
        {
            "id": hold.pk,
            "amount": 30,
            "reason": "AI tutor explanation",
            "reference": "unlock:lesson:4",
            "expires_at": body["holds"][0]["expires_at"],
        }
    ]
    assert [(item["kind"], item["amount"], item["balance_after"]) for item in body["items"]] == [
        ("spend", -10, 90),
        ("reward", 40, 100),
        ("signup_bonus", 60, 60),
    ]
    assert set(body["items"][0]) == {"id", "amount", "kind", "reason", "balance_after", "created_at"}


def test_the_ledger_never_shows_another_learners_entries(client, token):
    other = UserFactory(signup_bonus=True)
    fund(other, 100)
    credits_spend(user=other, amount=10, reason="Someone else's quiz", idempotency_key="s")
    body = ledger(client, token).json()
    assert "Someone else's quiz" not in str(body)
    assert body["count"] == 2


def test_a_browser_session_reads_the_same_ledger(client, funded_learner):
    client.force_login(funded_learner)
    response = client.get("/api/v1/me/ledger")
    assert response.status_code == 200
    assert response.json()["balance"] == 100


def test_the_ledger_pages_by_50(client, token, funded_learner):
    for number in range(58):
        credits_grant(
            user=funded_learner, amount=1, kind=EntryKind.REWARD, reason="Lesson", idempotency_key=f"r{number}"
        )
    with CaptureQueriesContext(connection) as queries:
        first = ledger(client, token).json()
    second = ledger(client, token, page=2).json()
    assert first["count"] == second["count"] == 60
    assert (len(first["items"]), len(second["items"])) == (50, 10)
    assert second["items"][-1]["kind"] == "signup_bonus"
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)  # the wallet keeps the count
    assert ledger(client, token, page=3).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc"])
def test_a_page_number_that_is_not_a_page_number_is_a_400_with_a_detail(client, token, page):
    response = ledger(client, token, page=page)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_page_past_the_last_is_a_404_with_a_detail(client, token):
    response = ledger(client, token, page="3")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no page 3: pages run from 1 to 1."


def test_a_new_learner_reading_the_ledger_gets_the_signup_bonus(client, learner):
    body = ledger(client, session_token(client, learner)).json()
    assert (body["balance"], body["count"], body["items"][0]["kind"]) == (60, 1, "signup_bonus")


def test_the_ledger_runs_a_fixed_number_of_queries(client, token, funded_learner, django_assert_max_num_queries):
    for number in range(30):
        credits_spend(user=funded_learner, amount=1, reason="Quiz", idempotency_key=f"s{number}")
    with django_assert_max_num_queries(8):
        assert ledger(client, token).status_code == 200

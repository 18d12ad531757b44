"""The ledger admin: read-only for everyone, superusers too; an "adjust credits" form that writes one entry."""

import re

import pytest
from django.contrib.auth.models import Permission

from credits.models import EntryKind, Hold, LedgerEntry, Wallet
from credits.services import credits_spend, hold_place
from tests.credits.conftest import fund
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return StaffUserFactory()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def spend(funded_learner):
    return credits_spend(user=funded_learner, amount=30, reason="Quiz", reference="quiz:1", idempotency_key="s1")


def stored(entry):
    return LedgerEntry.objects.filter(pk=entry.pk).values_list("amount", "reason", "balance_after").first()


def test_the_entry_list_filters_by_kind_and_searches_by_email(admin_client, spend, funded_learner):
    other = UserFactory(email="someone-else@example.com")
    fund(other, 60)
    spends = admin_client.get("/admin/credits/ledgerentry/", {"kind__exact": "spend"})
    assert spends.status_code == 200
    assert re.findall(r'class="field-kind">(\w+)<', spends.content.decode()) == ["Spent"]
    found = admin_client.get("/admin/credits/ledgerentry/", {"q": "someone-else"}).content.decode()
    assert "someone-else@example.com" in found
    assert funded_learner.email not in found


def test_the_wallet_list_shows_balances_and_an_adjust_link(admin_client, spend, funded_learner):
    html = admin_client.get("/admin/credits/wallet/").content.decode()
    assert funded_learner.email in html
    assert f"/admin/credits/wallet/{funded_learner.wallet.pk}/adjust/" in html


@pytest.mark.parametrize(
    "path", ["/admin/credits/ledgerentry/add/", "/admin/credits/hold/add/", "/admin/credits/wallet/add/"]
)
def test_nobody_adds_ledger_rows_in_the_admin(admin_client, path):
    assert admin_client.get(path).status_code == 403
    assert admin_client.post(path, {"amount": 1000, "kind": "reward", "reason": "free"}).status_code == 403


def test_an_entry_page_is_read_only_and_a_post_to_it_is_forbidden(admin_client, spend):
    url = f"/admin/credits/ledgerentry/{spend.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="amount"' not in html

    response = admin_client.post(url, {"amount": "-1", "reason": "Edited", "kind": "spend", "balance_after": "99"})
    assert response.status_code == 403
    assert stored(spend) == (-30, "Quiz", 70)


def test_the_delete_page_of_an_entry_is_forbidden_and_a_post_deletes_nothing(admin_client, spend):
    url = f"/admin/credits/ledgerentry/{spend.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert stored(spend) == (-30, "Quiz", 70)


def test_the_bulk_delete_action_is_not_offered_and_cannot_be_posted(admin_client, spend):
    html = admin_client.get("/admin/credits/ledgerentry/").content.decode()
    assert "delete_selected" not in html
    admin_client.post(
        "/admin/credits/ledgerentry/", {"action": "delete_selected", "_selected_action": [spend.pk], "post": "yes"}
    )
    assert stored(spend) == (-30, "Quiz", 70)


def test_wallets_and_holds_cannot_be_edited_or_deleted_in_the_admin(admin_client, funded_learner):
    wallet = funded_learner.wallet
    hold = hold_place(user=funded_learner, amount=30, reason="r", reference="unlock:lesson:1", idempotency_key="h")
    assert admin_client.post(f"/admin/credits/wallet/{wallet.pk}/change/", {"balance": "1000000"}).status_code == 403
    assert admin_client.post(f"/admin/credits/wallet/{wallet.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/credits/hold/{hold.pk}/change/", {"status": "released"}).status_code == 403
    assert admin_client.post(f"/admin/credits/hold/{hold.pk}/delete/", {"post": "yes"}).status_code == 403
    wallet.refresh_from_db()
    hold.refresh_from_db()
    assert (wallet.balance, wallet.held, hold.status) == (100, 30, Hold.Status.OPEN)


def adjust_url(user) -> str:
    return f"/admin/credits/wallet/{user.wallet.pk}/adjust/"


def adjust_form_key(client, user) -> str:
    html = client.get(adjust_url(user)).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_an_admin_adjusts_credits_with_a_reason_and_is_recorded(admin_client, superuser, funded_learner):
    key = adjust_form_key(admin_client, funded_learner)
    response = admin_client.post(
        adjust_url(funded_learner), {"amount": "-25", "reason": "Duplicate streak reward", "idempotency_key": key}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/credits/wallet/{funded_learner.wallet.pk}/change/"
    entry = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert (entry.amount, entry.reason, entry.created_by, entry.balance_after) == (
        -25,
        "Duplicate streak reward",
        superuser,
        75,
    )
    assert "balance now ⚡75" in admin_client.get(response["Location"]).content.decode()


def test_posting_the_adjust_form_twice_writes_one_entry(admin_client, funded_learner):
    key = adjust_form_key(admin_client, funded_learner)
    for _ in range(2):
        admin_client.post(adjust_url(funded_learner), {"amount": "10", "reason": "Goodwill", "idempotency_key": key})
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1
    assert Wallet.objects.get(user=funded_learner).balance == 110


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("0", "Nothing", "other than zero"),
        ("10", "   ", "This field is required"),
        ("-500", "Too much", "Not enough credits"),
    ],
)
def test_an_adjustment_that_cannot_be_made_says_why_and_writes_nothing(
    admin_client, funded_learner, amount, reason, message
):
    key = adjust_form_key(admin_client, funded_learner)
    response = admin_client.post(
        adjust_url(funded_learner), {"amount": amount, "reason": reason, "idempotency_key": key}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_staff_without_the_adjust_permission_cannot_adjust(client, funded_learner):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_wallet"))
    client.force_login(staff)
    assert client.get(adjust_url(funded_learner)).status_code == 403
    response = client.post(adjust_url(funded_learner), {"amount": "10", "reason": "x", "idempotency_key": "k"})
    assert response.status_code == 403
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_learners_cannot_reach_the_adjust_form(client, funded_learner):
    client.force_login(funded_learner)
    response = client.post(adjust_url(funded_learner), {"amount": "1000", "reason": "x", "idempotency_key": "k"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()

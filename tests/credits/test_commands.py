"""`grant_credits` and `audit_ledger`, as an operator runs them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection

from credits.models import EntryKind, LedgerEntry
from credits.selectors import wallet_summary
from credits.services import credits_clawback, credits_spend, hold_place, wallet_get_or_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_grant_credits_gives_credits_with_the_reason_and_prints_the_new_balance(learner):
    output = run("grant_credits", learner.email.upper(), "25", "--reason", "Thanks for reporting a bug")
    entry = LedgerEntry.objects.get(kind=EntryKind.REWARD)
    assert (entry.amount, entry.reason, entry.created_by) == (25, "Thanks for reporting a bug", None)
    assert f"⚡25 to {learner.email}" in output
    assert "Balance ⚡85, available ⚡85." in output


def test_grant_credits_twice_with_one_key_grants_once(learner):
    run("grant_credits", learner.email, "25", "--reason", "Bug bounty", "--idempotency-key", "bug-17")
    output = run("grant_credits", learner.email, "25", "--reason", "Bug bounty", "--idempotency-key", "bug-17")
    assert "nothing moved" in output
    assert wallet_summary(user=learner).balance == 85


def test_grant_credits_without_a_key_grants_every_time_it_runs(learner):
    run("grant_credits", learner.email, "5", "--reason", "Prize")
    run("grant_credits", learner.email, "5", "--reason", "Prize")
    assert wallet_summary(user=learner).balance == 70


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.com", "5", "--reason", "x"], "No user with the email"),
        (["{email}", "0", "--reason", "x"], "positive"),
        (["{email}", "-5", "--reason", "x"], "positive"),
        (["{email}", "5", "--reason", "  "], "reason is required"),
        (["{email}", "5"], "--reason"),
    ],
)
def test_grant_credits_refuses_what_it_cannot_do(learner, args, message):
    with pytest.raises(CommandError, match=message):
        run("grant_credits", *[arg.format(email=learner.email) for arg in args])
    assert not LedgerEntry.objects.filter(kind=EntryKind.REWARD).exists()


def test_audit_ledger_says_ok_when_every_invariant_holds(funded_learner):
    credits_spend(user=funded_learner, amount=30, reason="Quiz", idempotency_key="s")
    hold_place(user=funded_learner, amount=20, reason="r", reference="unlock:lesson:1", idempotency_key="h")
    debtor = UserFactory()
    credits_clawback(user=debtor, amount=100, reason="Disputed", reference="purchase:1", idempotency_key="c")
    assert run("audit_ledger").strip() == "ok"


def test_audit_ledger_fails_with_a_report_on_a_corrupted_balance(funded_learner):
    wallet = funded_learner.wallet
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET balance = balance + 7 WHERE id = %s", [wallet.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="found problems"):
        call_command("audit_ledger", stdout=out)
    report = out.getvalue()
    assert "cached balance is not the sum of their entries (1)" in report
    assert f"wallet #{wallet.pk} ({funded_learner.email}): balance 107, entries sum to 100" in report
    assert "Wallets below zero available" not in report


def test_audit_ledger_reports_a_held_total_out_of_step_with_the_open_holds(funded_learner):
    hold_place(user=funded_learner, amount=20, reason="r", reference="unlock:lesson:1", idempotency_key="h")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET held = 0 WHERE id = %s", [funded_learner.wallet.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_ledger", stdout=out)
    assert "held 0, open holds sum to 20" in out.getvalue()


def test_audit_ledger_reports_a_negative_available_balance_without_a_clawback(funded_learner):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET held = 150 WHERE id = %s", [funded_learner.wallet.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_ledger", stdout=out)
    assert "below zero available with no clawback" in out.getvalue()


def test_audit_ledger_exits_non_zero_from_the_shell(funded_learner):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET balance = 1 WHERE id = %s", [funded_learner.wallet.pk])
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "audit_ledger"])
    assert exited.value.code == 1


def audit_report() -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_ledger", stdout=out)
    return out.getvalue()


def test_audit_ledger_reports_an_entry_written_around_the_services_that_breaks_the_chain(funded_learner):
    # Appending is the one thing the ORM allows, so a careless script could do this; the audit must notice.
    bad = LedgerEntry.objects.create(
        wallet=funded_learner.wallet,
        amount=-5,
        kind=EntryKind.SPEND,
        reason="Written by hand",
        idempotency_key="by-hand",
        balance_after=999,
    )
    report = audit_report()
    assert f"entry #{bad.pk} (wallet #{funded_learner.wallet.pk}): 100 -5 ≠ balance_after 999" in report
    assert "balance 100, entries sum to 95" in report


def test_audit_ledger_reports_a_reversal_that_undoes_nothing(funded_learner):
    LedgerEntry.objects.create(
        wallet=funded_learner.wallet,
        amount=5,
        kind=EntryKind.REVERSAL,
        reason="Orphan",
        idempotency_key="orphan",
        balance_after=105,
    )
    assert "Reversals that do not undo exactly one entry" in audit_report()


def test_audit_ledger_reports_a_spend_into_debt_without_a_clawback(learner):
    wallet = wallet_get_or_create(user=learner)
    LedgerEntry.objects.create(
        wallet=wallet, amount=-100, kind=EntryKind.SPEND, reason="x", idempotency_key="x", balance_after=-40
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET balance = -40 WHERE id = %s", [wallet.pk])
    report = audit_report()
    assert "Debits that took a balance below zero with no clawback before them (1)" in report
    assert "below zero available with no clawback to explain a debt (1)" in report


def test_audit_ledger_reports_a_wallet_whose_entry_count_is_off(learner):
    wallet = wallet_get_or_create(user=learner)
    credits_spend(user=learner, amount=1, reason="Quiz", idempotency_key="s")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET entry_count = entry_count + 3 WHERE id = %s", [wallet.pk])
    report = audit_report()
    assert "Wallets whose cached entry count is not the number of their entries (1)" in report
    assert f"wallet #{wallet.pk} ({learner}): entry count 5, 2 entries" in report

"""The credits services: what a learner's balance, available credits and statement rows become after each write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from credits.models import EntryKind, Hold, LedgerEntry, Wallet
from credits.selectors import ledger_audit, wallet_summary
from credits.services import (
    HOLD_EXPIRED_REASON,
    EntryNotReversible,
    HoldNotOpen,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidCreditsRequest,
    WalletInDebt,
    credits_adjust,
    credits_clawback,
    credits_grant,
    credits_spend,
    entry_reverse,
    hold_capture,
    hold_place,
    hold_release,
    holds_expire,
    wallet_get_or_create,
)
from tests.credits.conftest import fund
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def amounts(user) -> list[tuple[str, int, int]]:
    return list(
        LedgerEntry.objects.filter(wallet__user=user).order_by("id").values_list("kind", "amount", "balance_after")
    )


def hold_for(user, amount=30, key="hold-1", **kwargs):
    return hold_place(
        user=user,
        amount=amount,
        reason=kwargs.pop("reason", "AI tutor explanation for “Attention”"),
        reference=kwargs.pop("reference", "unlock:lesson:42"),
        idempotency_key=key,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _audit_stays_clean():
    """Whatever a test does through the services, the ledger's invariants hold afterwards."""
    yield
    assert ledger_audit() == []


# --- Wallets -----------------------------------------------------------------------------------------------------
# The welcome bonus has its own tests (test_signup_bonus.py): a wallet no longer brings it.


def test_asking_for_the_wallet_again_creates_no_second_one(learner):
    first = wallet_get_or_create(user=learner)
    second = wallet_get_or_create(user=learner)
    assert first.pk == second.pk
    assert Wallet.objects.filter(user=learner).count() == 1


def test_a_wallet_made_on_first_need_starts_empty():
    newcomer = UserFactory(verified=False)
    assert wallet_get_or_create(user=newcomer).balance == 0
    assert amounts(newcomer) == []


def test_the_first_write_for_a_learner_without_a_wallet_creates_it():
    newcomer = UserFactory(verified=False)
    credits_grant(user=newcomer, amount=5, kind=EntryKind.REWARD, reason="Finished a lesson", idempotency_key="r1")
    assert amounts(newcomer) == [("reward", 5, 5)]


# --- Grants and spends -------------------------------------------------------------------------------------------


def test_a_grant_adds_credits_and_records_the_balance_after_it(learner):
    entry = credits_grant(
        user=learner,
        amount=10,
        kind=EntryKind.REWARD,
        reason="Kept a 7-day streak",
        reference="streak:7",
        idempotency_key="streak-7",
    )
    assert (entry.amount, entry.balance_after, entry.reason, entry.reference) == (
        10,
        70,
        "Kept a 7-day streak",
        "streak:7",
    )
    assert wallet_summary(user=learner).balance == 70


@pytest.mark.parametrize("kind", ["spend", "reversal", "adjustment", "clawback", "gift"])
def test_a_grant_of_a_kind_that_is_not_a_grant_is_refused(learner, kind):
    with pytest.raises(InvalidCreditsRequest):
        credits_grant(user=learner, amount=10, kind=kind, reason="x", idempotency_key="k")


@pytest.mark.parametrize("amount", [0, -5, 2.5, True, "10"])
def test_amounts_that_are_not_positive_whole_numbers_are_refused(learner, amount):
    with pytest.raises(InvalidCreditsRequest):
        credits_spend(user=learner, amount=amount, reason="x", idempotency_key="k")
    assert not LedgerEntry.objects.filter(kind=EntryKind.SPEND).exists()


def test_a_write_without_a_reason_or_a_key_is_refused(learner):
    with pytest.raises(InvalidCreditsRequest, match="reason"):
        credits_grant(user=learner, amount=1, kind=EntryKind.REWARD, reason="  ", idempotency_key="k")
    with pytest.raises(InvalidCreditsRequest, match="idempotency key"):
        credits_grant(user=learner, amount=1, kind=EntryKind.REWARD, reason="x", idempotency_key="")


def test_a_spend_takes_credits_from_the_balance(funded_learner):
    entry = credits_spend(
        user=funded_learner, amount=30, reason="Unlocked a quiz", reference="quiz:3", idempotency_key="s1"
    )
    assert (entry.kind, entry.amount, entry.balance_after) == ("spend", -30, 70)
    assert wallet_summary(user=funded_learner).available == 70


def test_a_spend_larger_than_the_available_balance_is_refused_and_moves_nothing(funded_learner):
    with pytest.raises(InsufficientCredits) as refused:
        credits_spend(user=funded_learner, amount=101, reason="Too much", idempotency_key="s1")
    assert (refused.value.available, refused.value.required) == (100, 101)
    assert "Not enough credits" in str(refused.value)
    assert wallet_summary(user=funded_learner).balance == 100


def test_a_spend_of_exactly_the_available_balance_leaves_zero(funded_learner):
    credits_spend(user=funded_learner, amount=100, reason="All of it", idempotency_key="s1")
    assert wallet_summary(user=funded_learner).available == 0


def test_open_holds_count_against_what_can_be_spent(funded_learner):
    hold_for(funded_learner, amount=80)
    with pytest.raises(InsufficientCredits) as refused:
        credits_spend(user=funded_learner, amount=30, reason="Quiz", idempotency_key="s1")
    assert refused.value.available == 20


# --- Idempotency --------------------------------------------------------------------------------------------------


def test_the_same_key_again_returns_the_first_entry_and_moves_nothing(funded_learner):
    first = credits_spend(user=funded_learner, amount=30, reason="Quiz", reference="quiz:1", idempotency_key="s1")
    again = credits_spend(user=funded_learner, amount=30, reason="Quiz", reference="quiz:1", idempotency_key="s1")
    assert again.pk == first.pk
    assert wallet_summary(user=funded_learner).balance == 70
    assert LedgerEntry.objects.filter(kind=EntryKind.SPEND).count() == 1


def test_a_replayed_key_is_answered_even_when_the_credits_are_gone_since(funded_learner):
    first = credits_spend(user=funded_learner, amount=100, reason="All of it", idempotency_key="s1")
    assert credits_spend(user=funded_learner, amount=100, reason="All of it", idempotency_key="s1").pk == first.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount": 31}, "amount"), ({"reference": "quiz:2"}, "reference"), ({"reason": "Other"}, "reason")],
)
def test_the_same_key_with_different_arguments_is_a_conflict(funded_learner, change, field):
    arguments = {"amount": 30, "reason": "Quiz", "reference": "quiz:1", "idempotency_key": "s1"}
    credits_spend(user=funded_learner, **arguments)
    with pytest.raises(IdempotencyConflict, match=field):
        credits_spend(user=funded_learner, **{**arguments, **change})
    assert wallet_summary(user=funded_learner).balance == 70


def test_a_key_used_by_a_grant_cannot_be_reused_for_a_spend(funded_learner):
    credits_grant(user=funded_learner, amount=30, kind=EntryKind.REWARD, reason="Quiz", idempotency_key="k")
    with pytest.raises(IdempotencyConflict):
        credits_spend(user=funded_learner, amount=30, reason="Quiz", idempotency_key="k")


def test_keys_belong_to_one_wallet_so_two_learners_may_use_the_same_key(funded_learner):
    other = UserFactory()
    fund(other, 100)
    credits_spend(user=funded_learner, amount=10, reason="Quiz", idempotency_key="same")
    credits_spend(user=other, amount=20, reason="Quiz", idempotency_key="same")
    assert wallet_summary(user=funded_learner).balance == 90
    assert wallet_summary(user=other).balance == 80


def test_a_failed_spend_does_not_burn_its_key(learner):
    fund(learner, 60)
    with pytest.raises(InsufficientCredits):
        credits_spend(user=learner, amount=90, reason="Quiz", idempotency_key="s1")
    credits_grant(user=learner, amount=30, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="r1")
    assert credits_spend(user=learner, amount=90, reason="Quiz", idempotency_key="s1").balance_after == 0


# --- Holds --------------------------------------------------------------------------------------------------------


def test_a_hold_lowers_what_is_available_but_not_the_balance(funded_learner, settings):
    settings.CREDITS_HOLD_TTL_SECONDS = 600
    before = timezone.now()
    hold = hold_for(funded_learner, amount=30)
    summary = wallet_summary(user=funded_learner)
    assert (summary.balance, summary.held, summary.available) == (100, 30, 70)
    assert hold.status == Hold.Status.OPEN
    assert before + timedelta(seconds=600) <= hold.expires_at <= timezone.now() + timedelta(seconds=600)
    assert amounts(funded_learner)[-1][0] == "reward"  # no entry: a hold moves no balance


def test_a_hold_larger_than_what_is_available_is_refused(funded_learner):
    hold_for(funded_learner, amount=80, key="a")
    with pytest.raises(InsufficientCredits):
        hold_for(funded_learner, amount=30, key="b")
    assert Hold.objects.count() == 1


def test_placing_a_hold_again_with_its_key_returns_the_same_hold(funded_learner):
    first = hold_for(funded_learner)
    assert hold_for(funded_learner).pk == first.pk
    assert wallet_summary(user=funded_learner).held == 30
    with pytest.raises(IdempotencyConflict):
        hold_for(funded_learner, amount=31)


def test_capturing_a_hold_writes_one_spend_entry_with_the_hold_reason(funded_learner):
    hold = hold_for(funded_learner)
    entry = hold_capture(hold=hold)
    assert (entry.kind, entry.amount, entry.balance_after) == ("spend", -30, 70)
    assert entry.reason == "AI tutor explanation for “Attention”"
    assert entry.reference == "unlock:lesson:42"
    hold.refresh_from_db()
    assert (hold.status, hold.captured_entry_id) == (Hold.Status.CAPTURED, entry.pk)
    summary = wallet_summary(user=funded_learner)
    assert (summary.balance, summary.held, summary.available) == (70, 0, 70)


def test_a_capture_may_word_the_entry_differently_from_the_hold(funded_learner):
    entry = hold_capture(hold=hold_for(funded_learner), reason="Unlocked the AI tutor explanation for “Attention”")
    assert entry.reason == "Unlocked the AI tutor explanation for “Attention”"


def test_capturing_twice_moves_credits_once_and_returns_the_same_entry(funded_learner):
    hold = hold_for(funded_learner)
    first = hold_capture(hold=hold)
    stale = Hold.objects.get(pk=hold.pk)
    assert hold_capture(hold=hold).pk == first.pk
    assert hold_capture(hold=stale).pk == first.pk
    assert wallet_summary(user=funded_learner).balance == 70
    assert LedgerEntry.objects.filter(kind=EntryKind.SPEND).count() == 1


def test_releasing_a_hold_gives_the_credits_back_and_releasing_again_changes_nothing(funded_learner):
    hold = hold_for(funded_learner)
    released = hold_release(hold=hold, reason="the explanation could not be written")
    assert (released.status, released.release_reason) == (Hold.Status.RELEASED, "the explanation could not be written")
    again = hold_release(hold=hold, reason="another reason")
    assert again.release_reason == "the explanation could not be written"
    summary = wallet_summary(user=funded_learner)
    assert (summary.balance, summary.held, summary.available) == (100, 0, 100)


def test_a_released_hold_cannot_be_captured_and_a_captured_one_cannot_be_released(funded_learner):
    released = hold_for(funded_learner, key="a")
    hold_release(hold=released, reason="failed")
    with pytest.raises(HoldNotOpen):
        hold_capture(hold=released)
    captured = hold_for(funded_learner, key="b")
    hold_capture(hold=captured)
    with pytest.raises(HoldNotOpen):
        hold_release(hold=captured, reason="too late")
    assert wallet_summary(user=funded_learner).balance == 70


def test_a_stale_hold_instance_is_brought_up_to_date_by_the_service(funded_learner):
    hold = hold_for(funded_learner)
    stale = Hold.objects.get(pk=hold.pk)
    hold_release(hold=hold, reason="failed")
    with pytest.raises(HoldNotOpen):
        hold_capture(hold=stale)
    assert stale.status == Hold.Status.RELEASED


def test_expired_holds_are_returned_and_others_are_left_alone(funded_learner):
    now = timezone.now()
    expired = hold_for(funded_learner, amount=20, key="old", expires_at=now - timedelta(seconds=1))
    fresh = hold_for(funded_learner, amount=20, key="new", expires_at=now + timedelta(minutes=5))
    captured = hold_for(funded_learner, amount=20, key="done", expires_at=now - timedelta(seconds=1))
    hold_capture(hold=captured)

    assert holds_expire(now=now) == 1
    assert holds_expire(now=now) == 0

    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert (expired.status, expired.release_reason) == (Hold.Status.RELEASED, HOLD_EXPIRED_REASON)
    assert fresh.status == Hold.Status.OPEN
    summary = wallet_summary(user=funded_learner)
    assert (summary.balance, summary.held) == (80, 20)


def test_the_beat_task_releases_expired_holds(funded_learner, settings):
    from credits.tasks import holds_expire_task

    assert settings.CELERY_BEAT_SCHEDULE["credits-holds-expire"]["task"] == holds_expire_task.name
    hold_for(funded_learner, expires_at=timezone.now() - timedelta(seconds=1))
    assert holds_expire_task.apply().get() == 1
    assert wallet_summary(user=funded_learner).held == 0


# --- Reversals, adjustments, clawbacks -----------------------------------------------------------------------------


def test_reversing_a_spend_gives_the_credits_back_with_a_reversal_entry(funded_learner):
    spend = credits_spend(user=funded_learner, amount=30, reason="Quiz", reference="quiz:1", idempotency_key="s1")
    admin = StaffUserFactory()
    reversal = entry_reverse(entry=spend, reason="Charged by mistake", idempotency_key="rev-1", created_by=admin)
    assert (reversal.kind, reversal.amount, reversal.balance_after) == ("reversal", 30, 100)
    assert (reversal.reverses_id, reversal.reference, reversal.created_by) == (spend.pk, "quiz:1", admin)


def test_an_entry_is_reversed_at_most_once(funded_learner):
    spend = credits_spend(user=funded_learner, amount=30, reason="Quiz", idempotency_key="s1")
    first = entry_reverse(entry=spend, reason="Mistake", idempotency_key="rev-1")
    assert entry_reverse(entry=spend, reason="Mistake", idempotency_key="rev-1").pk == first.pk
    with pytest.raises(EntryNotReversible):
        entry_reverse(entry=spend, reason="Mistake", idempotency_key="rev-2")
    with pytest.raises(EntryNotReversible):
        entry_reverse(entry=first, reason="Undo the undo", idempotency_key="rev-3")
    assert wallet_summary(user=funded_learner).balance == 100


def test_reversing_a_grant_that_was_already_spent_is_refused(learner):
    grant = credits_grant(user=learner, amount=40, kind=EntryKind.REWARD, reason="Oops", idempotency_key="g")
    credits_spend(user=learner, amount=90, reason="Quiz", idempotency_key="s")
    with pytest.raises(InsufficientCredits):
        entry_reverse(entry=grant, reason="Granted by mistake", idempotency_key="rev")
    assert wallet_summary(user=learner).balance == 10


def test_an_adjustment_records_the_admin_and_the_reason(funded_learner):
    admin = StaffUserFactory()
    entry = credits_adjust(
        user=funded_learner, amount=-40, reason="Duplicate reward", admin=admin, idempotency_key="adj-1"
    )
    assert (entry.kind, entry.amount, entry.balance_after, entry.created_by) == ("adjustment", -40, 60, admin)
    assert entry.reason == "Duplicate reward"


def test_an_adjustment_needs_a_staff_member_and_a_reason(funded_learner):
    with pytest.raises(InvalidCreditsRequest):
        credits_adjust(user=funded_learner, amount=5, reason="Gift", admin=UserFactory(), idempotency_key="a")
    with pytest.raises(InvalidCreditsRequest):
        credits_adjust(user=funded_learner, amount=5, reason="", admin=StaffUserFactory(), idempotency_key="a")
    assert wallet_summary(user=funded_learner).balance == 100


def test_an_adjustment_cannot_take_more_than_is_available(funded_learner):
    with pytest.raises(InsufficientCredits):
        credits_adjust(
            user=funded_learner, amount=-101, reason="Too much", admin=StaffUserFactory(), idempotency_key="a"
        )


def test_a_clawback_may_leave_a_debt_that_blocks_spending_until_it_is_repaid(learner):
    fund(learner, 60)
    credits_spend(user=learner, amount=50, reason="Quiz", idempotency_key="s1")
    credits_clawback(
        user=learner, amount=50, reason="Payment refunded", reference="purchase:7", idempotency_key="claw-1"
    )
    summary = wallet_summary(user=learner)
    assert (summary.balance, summary.available, summary.in_debt, summary.debt) == (-40, -40, True, 40)

    with pytest.raises(WalletInDebt) as refused:
        credits_spend(user=learner, amount=1, reason="Quiz", idempotency_key="s2")
    assert isinstance(refused.value, InsufficientCredits)
    with pytest.raises(WalletInDebt):
        hold_for(learner, amount=1)

    credits_grant(user=learner, amount=45, kind=EntryKind.REWARD, reason="Lessons", idempotency_key="r1")
    assert not wallet_summary(user=learner).in_debt
    assert credits_spend(user=learner, amount=5, reason="Quiz", idempotency_key="s3").balance_after == 0


def test_a_hold_placed_before_a_clawback_can_still_be_captured(funded_learner):
    hold = hold_for(funded_learner, amount=30)
    credits_clawback(
        user=funded_learner, amount=90, reason="Payment disputed", reference="purchase:8", idempotency_key="claw"
    )
    assert wallet_summary(user=funded_learner).available == -20
    entry = hold_capture(hold=hold)
    assert entry.balance_after == -20
    assert wallet_summary(user=funded_learner).debt == 20


def test_a_clawback_needs_the_reference_of_the_payment(funded_learner):
    with pytest.raises(InvalidCreditsRequest):
        credits_clawback(user=funded_learner, amount=5, reason="Refund", reference="", idempotency_key="c")


@pytest.mark.parametrize("credits", [0, 30, 60, 250])
def test_the_factory_gives_a_learner_exactly_the_credits_asked_for(credits):
    from tests.factories import LearnerWithCreditsFactory

    learner = LearnerWithCreditsFactory(credits=credits)
    assert wallet_summary(user=learner).balance == credits


def entry_count_is_exact(user) -> bool:
    wallet = Wallet.objects.get(user=user)
    return wallet.entry_count == LedgerEntry.objects.filter(wallet=wallet).count()


def test_every_write_that_appends_an_entry_counts_it_on_the_wallet(funded_learner, one_statement_off):
    """Both paths: the one-statement writes on PostgreSQL and the ORM path (SQLite, and every replay or refusal)."""
    admin = StaffUserFactory()
    user = funded_learner
    start = Wallet.objects.get(user=user).entry_count
    credits_grant(user=user, amount=5, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="g")
    spent = credits_spend(user=user, amount=10, reason="Quiz", idempotency_key="s")
    credits_spend(user=user, amount=10, reason="Quiz", idempotency_key="s")  # a replay appends nothing
    with pytest.raises(InsufficientCredits):
        credits_spend(user=user, amount=1000, reason="Quiz", idempotency_key="too-much")
    credits_adjust(user=user, amount=-1, reason="Typo", admin=admin, idempotency_key="a")
    credits_clawback(user=user, amount=2, reason="Refund", reference="purchase:1", idempotency_key="c")
    entry_reverse(entry=spent, reason="Sorry", idempotency_key="r")
    captured = hold_place(user=user, amount=3, reason="Tutor", reference="unlock:lesson:1", idempotency_key="h1")
    hold_capture(hold=captured)
    hold_capture(hold=captured)  # a second capture returns the first entry
    released = hold_place(user=user, amount=4, reason="Tutor", reference="unlock:lesson:2", idempotency_key="h2")
    hold_release(hold=released, reason="Failed")  # a returned hold is a statement line, not an entry
    assert Wallet.objects.get(user=user).entry_count == start + 6
    assert entry_count_is_exact(user)
    assert ledger_audit() == []


@pytest.fixture(params=["as the services choose", "ORM path only"])
def one_statement_off(request, monkeypatch):
    """Run a test once as the services run (one statement on PostgreSQL) and once with the ORM path forced."""
    if request.param == "ORM path only":
        from credits.services import one_statement

        monkeypatch.setattr(one_statement, "available", lambda: False)


def test_a_new_wallet_counts_its_first_entry(learner):
    credits_grant(user=learner, amount=5, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="g")
    assert entry_count_is_exact(learner)


def test_the_migration_counts_the_entries_of_existing_wallets(funded_learner):
    import importlib

    from django.apps import apps
    from django.db import connection

    credits_spend(user=funded_learner, amount=1, reason="Quiz", idempotency_key="s")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE credits_wallet SET entry_count = 0")
    empty = Wallet.objects.create(user=UserFactory(verified=False))
    migration = importlib.import_module("credits.migrations.0007_wallet_entry_count")
    migration.count_existing_entries(apps, None)
    assert entry_count_is_exact(funded_learner)
    assert Wallet.objects.get(user=funded_learner).entry_count == 3  # the bonus, the funding, the spend
    assert Wallet.objects.get(pk=empty.pk).entry_count == 0

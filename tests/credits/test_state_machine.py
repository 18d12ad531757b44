"""A Hypothesis state machine drives every kind of write in random order and checks the ledger after each step.

It keeps its own model of the wallet (balance, held, open holds, reversed entries) and predicts whether each call
succeeds; the database must agree with the model after every step, the cached balance must equal the sum of the
entries, every balance_after must chain, and available may be negative only after a clawback.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from credits.models import EntryKind, Hold, LedgerEntry, Wallet
from credits.selectors import ledger_audit
from credits.services import (
    EntryNotReversible,
    HoldNotOpen,
    InsufficientCredits,
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
    signup_bonus_grant,
    wallet_get_or_create,
)
from tests.factories import StaffUserFactory, UserFactory

amounts = st.integers(min_value=1, max_value=150)


class LedgerMachine(RuleBasedStateMachine):
    holds = Bundle("holds")
    entries = Bundle("entries")
    admin = None  # one staff member for every example, set by the test

    @initialize()
    def a_new_learner(self):
        self.user = UserFactory(verified=False)
        signup_bonus_grant(user=self.user)
        self.wallet = wallet_get_or_create(user=self.user)
        self.balance = settings.SIGNUP_BONUS
        self.held = 0
        self.clawed_back = False
        self.hold_states: dict[int, tuple[str, int, int | None]] = {}  # pk -> (status, amount, capture entry pk)
        self.reversed: set[int] = set()
        self.replays: list[tuple[object, int]] = []  # (call, pk of its first answer)
        self.keys = 0

    # --- helpers -----------------------------------------------------------------------------------------------

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    @property
    def available(self) -> int:
        return self.balance - self.held

    def expect_refusal(self, call, amount: int) -> None:
        expected = WalletInDebt if self.available < 0 else InsufficientCredits
        with pytest.raises(expected) as refused:
            call()
        assert refused.value.available == self.available
        assert refused.value.required == amount

    def remember(self, call, answer) -> None:
        self.replays.append((call, answer.pk))

    # --- rules -------------------------------------------------------------------------------------------------

    @rule(
        target=entries, amount=amounts, kind=st.sampled_from([EntryKind.REWARD, EntryKind.PURCHASE, EntryKind.REFUND])
    )
    def grant(self, amount, kind):
        key = self.key()

        def call():
            return credits_grant(user=self.user, amount=amount, kind=kind, reason="Earned", idempotency_key=key)

        entry = call()
        self.balance += amount
        self.remember(call, entry)
        return entry

    @rule(target=entries, amount=amounts)
    def spend(self, amount):
        key = self.key()

        def call():
            return credits_spend(user=self.user, amount=amount, reason="Spent", idempotency_key=key)

        if self.available < amount:
            self.expect_refusal(call, amount)
            return multiple()
        entry = call()
        self.balance -= amount
        self.remember(call, entry)
        return entry

    @rule(target=holds, amount=amounts)
    def place_hold(self, amount):
        key = self.key()

        def call():
            return hold_place(user=self.user, amount=amount, reason="Held", reference="unlock:x", idempotency_key=key)

        if self.available < amount:
            self.expect_refusal(call, amount)
            return multiple()
        hold = call()
        self.held += amount
        self.hold_states[hold.pk] = ("open", amount, None)
        self.remember(call, hold)
        return hold

    @rule(target=entries, hold=holds)
    def capture(self, hold):
        status, amount, entry_pk = self.hold_states[hold.pk]
        if status == "released":
            with pytest.raises(HoldNotOpen):
                hold_capture(hold=hold)
            return multiple()
        entry = hold_capture(hold=hold)
        if status == "captured":
            assert entry.pk == entry_pk
            return multiple()
        assert entry.amount == -amount
        self.balance -= amount
        self.held -= amount
        self.hold_states[hold.pk] = ("captured", amount, entry.pk)
        return entry

    @rule(hold=holds)
    def release(self, hold):
        status, amount, _entry_pk = self.hold_states[hold.pk]
        if status == "captured":
            with pytest.raises(HoldNotOpen):
                hold_release(hold=hold, reason="Not delivered")
            return
        assert hold_release(hold=hold, reason="Not delivered").status == Hold.Status.RELEASED
        if status == "open":
            self.held -= amount
            self.hold_states[hold.pk] = ("released", amount, None)

    @rule(target=entries, entry=entries)
    def reverse(self, entry):
        key = self.key()

        def call():
            return entry_reverse(entry=entry, reason="Mistake", idempotency_key=key)

        if entry.kind == EntryKind.REVERSAL or entry.pk in self.reversed:
            with pytest.raises(EntryNotReversible):
                call()
            return multiple()
        if entry.amount > 0 and self.available < entry.amount:
            self.expect_refusal(call, entry.amount)
            return multiple()
        reversal = call()
        self.balance -= entry.amount
        self.reversed.add(entry.pk)
        self.remember(call, reversal)
        return reversal

    @rule(target=entries, amount=st.integers(min_value=-150, max_value=150).filter(bool))
    def adjust(self, amount):
        key = self.key()

        def call():
            return credits_adjust(user=self.user, amount=amount, reason="Fix", admin=self.admin, idempotency_key=key)

        if amount < 0 and self.available < -amount:
            self.expect_refusal(call, -amount)
            return multiple()
        entry = call()
        self.balance += amount
        self.remember(call, entry)
        return entry

    @rule(target=entries, amount=amounts)
    def clawback(self, amount):
        key = self.key()

        def call():
            return credits_clawback(
                user=self.user, amount=amount, reason="Refunded", reference="purchase:1", idempotency_key=key
            )

        entry = call()
        self.balance -= amount
        self.clawed_back = True
        self.remember(call, entry)
        return entry

    @rule()
    def expire_every_hold(self):
        later = timezone.now() + timedelta(days=1)
        # Earlier examples' wallets share the database, and their open holds expire too.
        expiring = Hold.objects.filter(status=Hold.Status.OPEN).count()
        assert holds_expire(now=later) == expiring
        for pk, (status, amount, _entry_pk) in list(self.hold_states.items()):
            if status == "open":
                self.hold_states[pk] = ("released", amount, None)
        self.held = 0

    @precondition(lambda self: self.replays)
    @rule(data=st.data())
    def replay_an_earlier_call(self, data):
        call, first_pk = data.draw(st.sampled_from(self.replays))
        assert call().pk == first_pk  # the same answer, and nothing moved (the invariant checks the balance)

    # --- invariants ----------------------------------------------------------------------------------------------

    @invariant()
    def the_ledger_matches_the_model(self):
        wallet = Wallet.objects.get(pk=self.wallet.pk)
        running = 0
        for amount, balance_after in (
            LedgerEntry.objects.filter(wallet=wallet).order_by("id").values_list("amount", "balance_after")
        ):
            running += amount
            assert balance_after == running, "balance_after does not chain"
        assert wallet.balance == running == self.balance, "the cached balance is not the sum of the entries"
        assert wallet.entry_count == LedgerEntry.objects.filter(wallet=wallet).count(), "the entry count is off"
        open_total = sum(Hold.objects.filter(wallet=wallet, status=Hold.Status.OPEN).values_list("amount", flat=True))
        assert wallet.held == open_total == self.held
        assert wallet.available >= 0 or self.clawed_back, "available went below zero without a clawback"

    def teardown(self):
        if hasattr(self, "user"):
            assert ledger_audit() == []


@pytest.mark.state_machine
@pytest.mark.django_db
def test_random_sequences_of_writes_keep_every_ledger_invariant(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    LedgerMachine.admin = StaffUserFactory()
    run_state_machine_as_test(
        LedgerMachine,
        settings=hypothesis_settings(
            max_examples=200,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

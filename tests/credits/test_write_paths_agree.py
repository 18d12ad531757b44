"""On PostgreSQL the ledger has two write paths: one statement per write (credits/services/one_statement.py) and the
ORM path (lock, check, insert, update). A Hypothesis state machine drives two learners with the same writes in the
same order, one through each path, and their ledgers must come out identical after every step: the same entries
(amount, kind, reason, reference, key, balance after), the same holds, the same wallet figures, the same refusals.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
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
    rule,
    run_state_machine_as_test,
)

from credits import services as ledger
from credits.exceptions import CreditsError
from credits.models import EntryKind, Hold, LedgerEntry, Wallet
from credits.selectors import ledger_audit
from credits.services import one_statement
from tests.factories import StaffUserFactory, UserFactory

pytestmark = [pytest.mark.postgres]

amounts = st.integers(min_value=1, max_value=150)
MACHINE_SETTINGS = hypothesis_settings(
    max_examples=40, stateful_step_count=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
ENTRY_FIELDS = ("amount", "kind", "reason", "reference", "idempotency_key", "balance_after", "created_by_id")


@contextlib.contextmanager
def orm_path() -> Iterator[None]:
    """The ORM path: what the ledger does where one statement is not available (SQLite, or a write it cannot settle)."""
    fast = one_statement.available
    one_statement.available = lambda: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        one_statement.available = fast  # type: ignore[method-assign]


def _answer(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except CreditsError as error:
        return "refused", error


class BothPathsMachine(RuleBasedStateMachine):
    holds = Bundle("holds")  # (the fast path's hold, the ORM path's hold)
    entries = Bundle("entries")
    admin = None

    @initialize()
    def two_new_learners(self):
        self.fast_user, self.orm_user = UserFactory(verified=False), UserFactory(verified=False)
        ledger.signup_bonus_grant(user=self.fast_user)
        with orm_path():
            ledger.signup_bonus_grant(user=self.orm_user)
        self.keys = 0

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    def both(self, write: Callable[[Any, int], Any]) -> Any:
        """``write(user, side)`` for each learner (side 0 fast, 1 ORM); the same answer, or the same refusal."""
        fast = _answer(lambda: write(self.fast_user, 0))
        with orm_path():
            orm = _answer(lambda: write(self.orm_user, 1))
        assert fast[0] == orm[0], f"one path answered {fast}, the other {orm}"
        if fast[0] == "refused":
            assert type(fast[1]) is type(orm[1])
            assert _words(fast[1]) == _words(orm[1])
            return multiple()
        if isinstance(fast[1], LedgerEntry):
            assert _entry(fast[1]) == _entry(orm[1])
        return (fast[1], orm[1])

    def learners_write(self, write: Callable[..., Any], **arguments: Any) -> Any:
        """``write(user=..., idempotency_key=..., **arguments)`` for each learner, with one new key for both."""
        key = self.key()
        return self.both(lambda user, _: write(user=user, idempotency_key=key, **arguments))

    @rule(target=entries, amount=amounts, kind=st.sampled_from([EntryKind.REWARD, EntryKind.PURCHASE]))
    def grant(self, amount, kind):
        return self.learners_write(ledger.credits_grant, amount=amount, kind=kind, reason="Earned")

    @rule(target=entries, amount=amounts)
    def spend(self, amount):
        return self.learners_write(ledger.credits_spend, amount=amount, reason="Spent")

    @rule(target=holds, amount=amounts)
    def place_hold(self, amount):
        return self.learners_write(ledger.hold_place, amount=amount, reason="Held", reference="unlock:1")

    @rule(target=entries, pair=holds)
    def capture(self, pair):
        return self.both(lambda _, side: ledger.hold_capture(hold=Hold.objects.get(pk=pair[side].pk)))

    @rule(pair=holds)
    def release(self, pair):
        self.both(lambda _, side: ledger.hold_release(hold=Hold.objects.get(pk=pair[side].pk), reason="Not delivered"))

    @rule(target=entries, pair=entries)
    def reverse(self, pair):
        key = self.key()
        return self.both(lambda _, side: ledger.entry_reverse(entry=pair[side], reason="Mistake", idempotency_key=key))

    @rule(target=entries, amount=st.integers(min_value=-150, max_value=150).filter(bool))
    def adjust(self, amount):
        return self.learners_write(ledger.credits_adjust, amount=amount, reason="Fix", admin=self.admin)

    @rule(target=entries, amount=amounts)
    def clawback(self, amount):
        return self.learners_write(ledger.credits_clawback, amount=amount, reason="Refunded", reference="purchase:1")

    @rule(pair=entries)
    def replay_a_grant(self, pair):
        """A retried write with the same key answers the first entry on both paths and moves nothing."""
        fast, _orm = pair
        if fast.kind not in (EntryKind.REWARD, EntryKind.PURCHASE):
            return
        self.both(
            lambda user, side: ledger.credits_grant(
                user=user,
                amount=pair[side].amount,
                kind=pair[side].kind,
                reason="Earned",
                idempotency_key=pair[side].idempotency_key,
            )
        )

    @rule()
    def expire_every_hold(self):
        later = timezone.now() + timedelta(days=1)
        ledger.holds_expire(now=later)

    @invariant()
    def the_two_ledgers_are_identical(self):
        assert _ledger(self.fast_user) == _ledger(self.orm_user)

    def teardown(self):
        if hasattr(self, "fast_user"):
            assert ledger_audit() == []


def _words(error: Exception) -> str:
    """What the refusal says, with the rows' own ids (which differ between the two learners) left out."""
    return re.sub(r"#\d+", "#…", str(error))


def _entry(entry: LedgerEntry) -> tuple[Any, ...]:
    # A capture's key names its hold, whose id differs between the two learners.
    return tuple(
        re.sub(r"^hold:\d+:", "hold:…:", value) if field == "idempotency_key" else value
        for field in ENTRY_FIELDS
        for value in [getattr(entry, field)]
    )


def _ledger(user) -> tuple[Any, ...]:
    wallet = Wallet.objects.get(user=user)
    entries = [_entry(entry) for entry in LedgerEntry.objects.filter(wallet=wallet).order_by("id")]
    holds = list(
        Hold.objects.filter(wallet=wallet)
        .order_by("id")
        .values_list("amount", "reason", "reference", "idempotency_key", "status", "release_reason")
    )
    captured_amounts = [
        -amount
        for amount in Hold.objects.filter(wallet=wallet, status=Hold.Status.CAPTURED)
        .order_by("id")
        .values_list("captured_entry__amount", flat=True)
    ]
    return (wallet.balance, wallet.held, wallet.entry_count), entries, holds, captured_amounts


@pytest.mark.django_db
def test_both_write_paths_keep_identical_ledgers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    BothPathsMachine.admin = StaffUserFactory()
    run_state_machine_as_test(BothPathsMachine, settings=MACHINE_SETTINGS)

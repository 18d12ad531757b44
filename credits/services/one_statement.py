"""The common writes as one PostgreSQL statement each: lock, key check, balance check, append and update at once.

The ORM path (lock the wallet with `SELECT ... FOR UPDATE`, look up the key, check, insert, update the wallet, commit)
costs six round trips to the server; a ledger write is short enough that those round trips, not PostgreSQL's work,
are its price. Here the wallet's `UPDATE` takes the row lock, its `WHERE` refuses a key already used and a debit the
available balance does not cover, and the `INSERT` in the same statement appends the entry (or hold) with the
balance the `UPDATE` returned; the wallet's cached figures (balance, held, entry count) move in that same `UPDATE`.
Outside a transaction that is one round trip with its own commit; inside one it rides in a savepoint, so a refusal
never spoils the caller's transaction.

These functions only ever take the plain success; anything else returns None and the caller runs the ORM path, which
says exactly why (replay of a key, conflict, short of credits, a debt, a wallet not made yet) under the same lock:

- A key used before this statement began matches `NOT EXISTS` and returns None: the ORM path replays it.
- A key committed by another transaction while this one waited for the wallet lock is not seen by `NOT EXISTS`
  (the statement reads other tables as of its start), so the insert hits the unique (wallet, key) constraint; the
  statement fails whole, the wallet update with it, and the ORM path replays the winner's answer.
- The balance check is re-evaluated by PostgreSQL on the wallet row's newest version after waiting for its lock,
  so two debits never both pass on one balance.

A capture reads the hold as the statement starts, then waits for the wallet's lock, which every change to a hold takes
first. A release or another capture committed meanwhile makes the statement fail as a whole: the hold row it then
updates is already released (the hold's check constraints refuse captured-and-released) or the capture's entry key
is already used. The ORM path then says HoldNotOpen or returns the first capture's entry.

SQLite has no row locks to gain from (its IMMEDIATE transactions serialise writers), so only PostgreSQL runs these.
"""

from datetime import datetime
from typing import Any, TypeVar

from django.db import connection

from accounts.models import User
from core.learner_pages import learner_statement_run
from credits.models import Hold, LedgerEntry

_Row = TypeVar("_Row", LedgerEntry, Hold)

_ENTRY_POST = """
WITH w AS (
    UPDATE credits_wallet
    SET balance = balance + %(amount)s, entry_count = entry_count + 1, updated_at = %(now)s
    WHERE user_id = %(user_id)s
      AND (NOT %(checked)s OR balance - held >= %(required)s)
      AND NOT EXISTS (
          SELECT 1 FROM credits_ledgerentry
          WHERE wallet_id = credits_wallet.id AND idempotency_key = %(key)s
      )
    RETURNING id, balance, user_id
)
INSERT INTO credits_ledgerentry
    (wallet_id, amount, kind, reason, reference, idempotency_key, balance_after, reverses_id, created_at,
     created_by_id)
SELECT w.id, %(amount)s, %(kind)s, %(reason)s, %(reference)s, %(key)s, w.balance, NULL, %(now)s, %(created_by)s
FROM w
RETURNING id, wallet_id, balance_after, (SELECT user_id FROM w)
"""

_HOLD_PLACE = """
WITH w AS (
    UPDATE credits_wallet
    SET held = held + %(amount)s, updated_at = %(now)s
    WHERE user_id = %(user_id)s
      AND balance - held >= %(amount)s
      AND NOT EXISTS (
          SELECT 1 FROM credits_hold
          WHERE wallet_id = credits_wallet.id AND idempotency_key = %(key)s
      )
    RETURNING id, user_id
)
INSERT INTO credits_hold
    (wallet_id, amount, reason, reference, idempotency_key, status, expires_at, created_at, captured_at,
     captured_entry_id, released_at, release_reason)
SELECT w.id, %(amount)s, %(reason)s, %(reference)s, %(key)s, %(status)s, %(expires_at)s, %(now)s, NULL, NULL, NULL,
       ''
FROM w
RETURNING id, wallet_id, (SELECT user_id FROM w)
"""

_HOLD_CAPTURE = """
WITH h AS (
    SELECT id, wallet_id, amount, reason, reference FROM credits_hold WHERE id = %(hold)s AND status = %(open)s
), w AS (
    UPDATE credits_wallet
    SET balance = credits_wallet.balance - h.amount, held = credits_wallet.held - h.amount,
        entry_count = credits_wallet.entry_count + 1, updated_at = %(now)s
    FROM h
    WHERE credits_wallet.id = h.wallet_id
    RETURNING credits_wallet.id AS wallet_id, credits_wallet.balance, h.amount, h.reason, h.reference
), e AS (
    INSERT INTO credits_ledgerentry
        (wallet_id, amount, kind, reason, reference, idempotency_key, balance_after, reverses_id, created_at,
         created_by_id)
    SELECT w.wallet_id, -w.amount, %(kind)s, COALESCE(%(reason)s, w.reason), w.reference, %(key)s, w.balance, NULL,
           %(now)s, NULL
    FROM w
    RETURNING id, wallet_id, amount, reason, reference, balance_after
)
UPDATE credits_hold
SET status = %(captured)s, captured_at = %(now)s, captured_entry_id = e.id
FROM e
WHERE credits_hold.id = %(hold)s
RETURNING e.id, e.wallet_id, e.amount, e.reason, e.reference, e.balance_after,
          (SELECT user_id FROM credits_wallet WHERE id = e.wallet_id)
"""


def available() -> bool:
    return connection.vendor == "postgresql"


def _as_loaded(instance: _Row) -> _Row:
    """A model instance for a row a statement here has written: Django treats it as one read from the database."""
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def _entry_written(
    row: tuple[Any, ...], *, kind: str, idempotency_key: str, now: datetime, created_by: User | None = None
) -> LedgerEntry:
    """The entry a statement appended, from its (pk, wallet_id, amount, reason, reference, balance_after)."""
    pk, wallet_id, amount, reason, reference, balance_after = row
    entry = LedgerEntry(
        pk=pk,
        wallet_id=wallet_id,
        amount=amount,
        kind=kind,
        reason=reason,
        reference=reference,
        idempotency_key=idempotency_key,
        balance_after=balance_after,
        created_at=now,
        created_by=created_by,
    )
    return _as_loaded(entry)


def entry_post_at_once(
    *,
    user: User,
    amount: int,
    kind: str,
    reason: str,
    reference: str,
    idempotency_key: str,
    created_by: User | None,
    checked: bool,
    now: datetime,
) -> LedgerEntry | None:
    """Append one entry to the user's existing wallet; None when that is not simply possible (see the module)."""
    row = learner_statement_run(
        _ENTRY_POST,
        {
            "amount": amount,
            "now": now,
            "user_id": user.pk,
            "checked": checked,
            "required": -amount,
            "key": idempotency_key,
            "kind": kind,
            "reason": reason,
            "reference": reference,
            "created_by": created_by.pk if created_by is not None else None,
        },
    )
    if row is None:
        return None
    pk, wallet_id, balance_after, _ = row
    written = (pk, wallet_id, amount, reason, reference, balance_after)
    return _entry_written(written, kind=kind, idempotency_key=idempotency_key, now=now, created_by=created_by)


def hold_place_at_once(
    *, user: User, amount: int, reason: str, reference: str, idempotency_key: str, expires_at: datetime, now: datetime
) -> Hold | None:
    """Place a hold on the user's existing wallet; None when that is not simply possible (see the module)."""
    row = learner_statement_run(
        _HOLD_PLACE,
        {
            "amount": amount,
            "now": now,
            "user_id": user.pk,
            "key": idempotency_key,
            "reason": reason,
            "reference": reference,
            "status": Hold.Status.OPEN.value,
            "expires_at": expires_at,
        },
    )
    if row is None:
        return None
    pk, wallet_id, _ = row
    hold = Hold(
        pk=pk,
        wallet_id=wallet_id,
        amount=amount,
        reason=reason,
        reference=reference,
        idempotency_key=idempotency_key,
        status=Hold.Status.OPEN,
        expires_at=expires_at,
        created_at=now,
    )
    return _as_loaded(hold)


def hold_capture_at_once(*, hold: Hold, reason: str | None, now: datetime) -> LedgerEntry | None:
    """Capture an open hold into one spend entry; None when that is not simply possible (see the module)."""
    key = f"hold:{hold.pk}:capture"
    row = learner_statement_run(
        _HOLD_CAPTURE,
        {
            "hold": hold.pk,
            "open": Hold.Status.OPEN.value,
            "captured": Hold.Status.CAPTURED.value,
            "now": now,
            "kind": LedgerEntry.Kind.SPEND.value,
            "reason": reason,
            "key": key,
        },
    )
    if row is None:
        return None
    *written, _ = row
    entry = _entry_written(tuple(written), kind=LedgerEntry.Kind.SPEND, idempotency_key=key, now=now)
    hold.status = Hold.Status.CAPTURED
    hold.captured_at = now
    hold.captured_entry = entry
    hold.released_at = None
    hold.release_reason = ""
    return entry

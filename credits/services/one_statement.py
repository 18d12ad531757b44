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
from typing import Any

from accounts.models import User
from core.learner_pages import learner_statement_run
from core.statements import Table, as_loaded, insert_lists, postgresql
from credits.models import Hold, LedgerEntry, Wallet
from credits.references import hold_capture_key

_NAMES = {"wallet": Table(Wallet), "entry": Table(LedgerEntry), "hold": Table(Hold)}

_ENTRY_COLUMNS, _ENTRY_VALUES = insert_lists(
    LedgerEntry,
    {
        "wallet": "w.id",
        "amount": "%(amount)s",
        "kind": "%(kind)s",
        "reason": "%(reason)s",
        "reference": "%(reference)s",
        "idempotency_key": "%(key)s",
        "balance_after": "w.balance",
        "reverses": "NULL",
        "created_at": "%(now)s",
        "created_by": "%(created_by)s",
    },
)

_ENTRY_POST = """
WITH w AS (
    UPDATE {wallet}
    SET {wallet.balance} = {wallet.balance} + %(amount)s, {wallet.entry_count} = {wallet.entry_count} + 1,
        {wallet.updated_at} = %(now)s
    WHERE {wallet.user} = %(user_id)s
      AND (NOT %(checked)s OR {wallet.balance} - {wallet.held} >= %(required)s)
      AND NOT EXISTS (
          SELECT 1 FROM {entry}
          WHERE {entry.wallet} = {wallet}.{wallet.id} AND {entry.idempotency_key} = %(key)s
      )
    RETURNING {wallet.id} AS id, {wallet.balance} AS balance, {wallet.user} AS user_id
)
INSERT INTO {entry} ({entry_columns})
SELECT {entry_values}
FROM w
RETURNING {entry.id}, {entry.wallet}, {entry.balance_after}, (SELECT user_id FROM w)
""".format(**_NAMES, entry_columns=_ENTRY_COLUMNS, entry_values=_ENTRY_VALUES)  # noqa: S608 - names from the models' _meta; values are parameters

_HOLD_COLUMNS, _HOLD_VALUES = insert_lists(
    Hold,
    {
        "wallet": "w.id",
        "amount": "%(amount)s",
        "reason": "%(reason)s",
        "reference": "%(reference)s",
        "idempotency_key": "%(key)s",
        "status": "%(status)s",
        "expires_at": "%(expires_at)s",
        "created_at": "%(now)s",
        "captured_at": "NULL",
        "captured_entry": "NULL",
        "released_at": "NULL",
        "release_reason": "''",
    },
)

_HOLD_PLACE = """
WITH w AS (
    UPDATE {wallet}
    SET {wallet.held} = {wallet.held} + %(amount)s, {wallet.updated_at} = %(now)s
    WHERE {wallet.user} = %(user_id)s
      AND {wallet.balance} - {wallet.held} >= %(amount)s
      AND NOT EXISTS (
          SELECT 1 FROM {hold}
          WHERE {hold.wallet} = {wallet}.{wallet.id} AND {hold.idempotency_key} = %(key)s
      )
    RETURNING {wallet.id} AS id, {wallet.user} AS user_id
)
INSERT INTO {hold} ({hold_columns})
SELECT {hold_values}
FROM w
RETURNING {hold.id}, {hold.wallet}, (SELECT user_id FROM w)
""".format(**_NAMES, hold_columns=_HOLD_COLUMNS, hold_values=_HOLD_VALUES)  # noqa: S608 - names from the models' _meta; values are parameters

_CAPTURE_COLUMNS, _CAPTURE_VALUES = insert_lists(
    LedgerEntry,
    {
        "wallet": "w.wallet_id",
        "amount": "-w.amount",
        "kind": "%(kind)s",
        "reason": "COALESCE(%(reason)s, w.reason)",
        "reference": "w.reference",
        "idempotency_key": "%(key)s",
        "balance_after": "w.balance",
        "reverses": "NULL",
        "created_at": "%(now)s",
        "created_by": "NULL",
    },
)

_HOLD_CAPTURE = """
WITH h AS (
    SELECT {hold.id} AS id, {hold.wallet} AS wallet_id, {hold.amount} AS amount, {hold.reason} AS reason,
           {hold.reference} AS reference
    FROM {hold} WHERE {hold.id} = %(hold)s AND {hold.status} = %(open)s
), w AS (
    UPDATE {wallet}
    SET {wallet.balance} = {wallet}.{wallet.balance} - h.amount, {wallet.held} = {wallet}.{wallet.held} - h.amount,
        {wallet.entry_count} = {wallet}.{wallet.entry_count} + 1, {wallet.updated_at} = %(now)s
    FROM h
    WHERE {wallet}.{wallet.id} = h.wallet_id
    RETURNING {wallet}.{wallet.id} AS wallet_id, {wallet}.{wallet.balance} AS balance,
              {wallet}.{wallet.user} AS user_id, h.amount, h.reason, h.reference
), e AS (
    INSERT INTO {entry} ({entry_columns})
    SELECT {entry_values}
    FROM w
    RETURNING {entry.id}, {entry.wallet}, {entry.amount}, {entry.reason}, {entry.reference}, {entry.balance_after}
)
UPDATE {hold}
SET {hold.status} = %(captured)s, {hold.captured_at} = %(now)s, {hold.captured_entry} = e.{entry.id}
FROM e
WHERE {hold}.{hold.id} = %(hold)s
RETURNING e.{entry.id}, e.{entry.wallet}, e.{entry.amount}, e.{entry.reason}, e.{entry.reference},
          e.{entry.balance_after}, (SELECT user_id FROM w)
""".format(**_NAMES, entry_columns=_CAPTURE_COLUMNS, entry_values=_CAPTURE_VALUES)  # noqa: S608 - names from the models' _meta; values are parameters

# Every statement this path runs: the schema-drift test has PostgreSQL plan each one against the real tables.
STATEMENTS = {"entry_post": _ENTRY_POST, "hold_place": _HOLD_PLACE, "hold_capture": _HOLD_CAPTURE}


def available() -> bool:
    return postgresql()


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
    return as_loaded(entry)


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
    return as_loaded(hold)


def hold_capture_at_once(*, hold: Hold, reason: str | None, now: datetime) -> LedgerEntry | None:
    """Capture an open hold into one spend entry; None when that is not simply possible (see the module)."""
    key = hold_capture_key(hold_id=hold.pk)
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

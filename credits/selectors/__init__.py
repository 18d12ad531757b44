"""Reads of the ledger, one module per use case: `wallets`, `statement`, `audit`, `bonus`, `export`.

Import from here (`from credits.selectors import wallet_summary`). Reads never write: no wallet is created here."""

from credits.selectors.audit import MAX_EXAMPLES, ledger_audit
from credits.selectors.bonus import BonusStatus, signup_bonus_status
from credits.selectors.export import export_for
from credits.selectors.statement import (
    ENTRY_COLUMNS,
    RETURNED_COLUMNS,
    HistoryRow,
    StatementHistory,
    statement_history_for,
)
from credits.selectors.wallets import WalletSummary, holds_open_for, ledger_entries_for, wallet_summary

__all__ = [
    "ENTRY_COLUMNS",
    "MAX_EXAMPLES",
    "RETURNED_COLUMNS",
    "BonusStatus",
    "HistoryRow",
    "StatementHistory",
    "WalletSummary",
    "export_for",
    "holds_open_for",
    "ledger_audit",
    "ledger_entries_for",
    "signup_bonus_status",
    "statement_history_for",
    "wallet_summary",
]

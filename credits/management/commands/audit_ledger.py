"""`manage.py audit_ledger`: check every invariant of the ledger; exit 0 and print "ok", else a report and exit 1."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from credits.selectors import ledger_audit


class Command(BaseCommand):
    help = "Check the credit ledger's invariants (cached balances, chains, holds, debts). Non-zero exit on a problem."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_audit()
        if not problems:
            self.stdout.write("ok")
            return
        for line in problems:
            self.stdout.write(line)
        raise CommandError("The ledger audit found problems; see the report above.")

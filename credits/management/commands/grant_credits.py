"""`manage.py grant_credits EMAIL AMOUNT --reason TEXT`: give a learner credits from the command line."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from credits.models import EntryKind
from credits.selectors import wallet_summary
from credits.services import CreditsError, credits_grant


class Command(BaseCommand):
    help = "Grant credits to a learner, with a reason they will read on their statement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The learner's email address.")
        parser.add_argument("amount", type=int, help="Credits to grant (a positive whole number).")
        parser.add_argument("--reason", required=True, help="Plain words shown on the learner's statement.")
        parser.add_argument(
            "--idempotency-key",
            default="",
            help="Running again with the same key grants nothing more. Default: a new key, so every run grants.",
        )

    def handle(self, *args: Any, email: str, amount: int, reason: str, idempotency_key: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        key = idempotency_key or f"grant-command:{uuid.uuid4()}"
        started = timezone.now()
        try:
            entry = credits_grant(user=user, amount=amount, kind=EntryKind.REWARD, reason=reason, idempotency_key=key)
        except CreditsError as error:
            raise CommandError(str(error)) from error
        summary = wallet_summary(user=user)
        if entry.created_at < started:
            self.stdout.write(f"Already granted with this key as entry #{entry.pk}; nothing moved.")
        self.stdout.write(
            f"Entry #{entry.pk}: ⚡{entry.amount} to {user.email} ({reason}). "
            f"Balance ⚡{summary.balance}, available ⚡{summary.available}."
        )

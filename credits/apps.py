"""App config for credits: the ⚡ ledger (wallets, append-only entries, holds) and the only code that moves credits."""

from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "Credits"

    def ready(self) -> None:
        from credits import signals

        signals.connect()

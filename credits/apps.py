"""App config for credits: the ⚡ ledger (wallets, append-only entries, holds) and the only code that moves credits."""

from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "Credits"

    def ready(self) -> None:
        from django.urls import reverse

        from credits import signals
        from credits.references import PURCHASE_PREFIX, reference_link_add

        signals.connect()
        reference_link_add(prefix=PURCHASE_PREFIX, url_for=lambda rest: reverse("credits:purchase", args=[int(rest)]))

"""App config for purchases: packs of ⚡ sold through Stripe Checkout, above the ledger it credits through."""

from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "purchases"
    verbose_name = "Purchases"

    def ready(self) -> None:
        from django.urls import reverse

        from credits.references import reference_link_add
        from purchases.references import PURCHASE_PREFIX

        # The statement links a purchase's entries to its page.
        reference_link_add(prefix=PURCHASE_PREFIX, url_for=lambda rest: reverse("purchases:purchase", args=[int(rest)]))

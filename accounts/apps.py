"""App config for accounts: the custom user whose login is an email address."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from core.learner_pages import invalidation_connect

        # A save of any row that belongs to a user drops that learner's cached pages.
        invalidation_connect()

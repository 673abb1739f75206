from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homeward.accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from homeward.accounts import (
            checks,  # noqa: F401  (registers the system check)
            own_account,
        )

        own_account.connect()

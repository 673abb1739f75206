from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homeward.accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from homeward.accounts import (
            audit,
            checks,  # noqa: F401  (registers the system check)
            own_account,
            relationships,  # noqa: F401  (registers the object permissions)
        )

        audit.register()
        own_account.connect()

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "homeward.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from homeward.api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
        from homeward.api.models import ApiToken

        # Who issued or revoked a partner system's token (whose calls can read children's
        # records), on the audit trail with the rest of the accounts; never the key's hash.
        auditlog.register(ApiToken, include_fields=["organisation", "name", "scopes", "revoked_at"])

from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may see and do what: relationships, visible records, the audit trail, subject access, retention."""

    name = "homeward.access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from homeward.access import (
            audit,
            relationships,  # noqa: F401  (registers the object permissions)
        )

        audit.register()

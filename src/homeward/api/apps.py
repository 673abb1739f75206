from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "homeward.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from homeward.api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)

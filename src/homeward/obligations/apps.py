from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "homeward.obligations"
    verbose_name = "Obligations"

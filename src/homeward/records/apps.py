from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "homeward.records"
    verbose_name = "Duty records"

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "homeward.reports"
    verbose_name = "Reports and statutory returns"

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "homeward.care"
    verbose_name = "Episodes of care (the council's record)"

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "homeward.plans"
    verbose_name = "Plans"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "homeward.web"
    verbose_name = "Pages"

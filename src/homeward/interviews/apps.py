from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "homeward.interviews"
    verbose_name = "Return home interviews"

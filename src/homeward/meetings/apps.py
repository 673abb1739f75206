from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "homeward.meetings"
    verbose_name = "Meetings"

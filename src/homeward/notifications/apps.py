from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "homeward.notifications"
    verbose_name = "Notifications"

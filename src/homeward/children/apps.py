from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "homeward.children"
    verbose_name = "Children"

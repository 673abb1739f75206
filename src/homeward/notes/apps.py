from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "homeward.notes"
    verbose_name = "Case notes"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homeward.accounts"
    verbose_name = "Organisations and people"

from django.apps import AppConfig


class DevConfig(AppConfig):
    """Development and benchmark tooling: the demo data set and the synthetic-history generator.

    Nothing else imports this app, and production leaves it out of INSTALLED_APPS (as Zulip
    keeps ``populate_db`` in ``zilencer``).
    """

    name = "homeward.dev"
    verbose_name = "Development tooling"

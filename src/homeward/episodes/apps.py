from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "homeward.episodes"
    verbose_name = "Missing episodes"

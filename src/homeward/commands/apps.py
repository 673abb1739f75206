from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """The command line (``homeward <command>``): a presentation layer beside the pages and the API.

    Each command reads its options, refuses bad ones in one line naming the option, and calls
    the layers below (the write layer for changes, access for who may see what).
    """

    name = "homeward.commands"
    verbose_name = "Command line"

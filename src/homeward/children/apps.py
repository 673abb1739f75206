from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "homeward.children"
    verbose_name = "Children"

    def ready(self) -> None:
        from homeward.children import files

        # A replaced or removed photograph leaves the disk (homeward.children.files).
        files.connect(self.get_model("Child"))

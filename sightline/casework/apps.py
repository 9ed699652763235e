from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "sightline.casework"
    label = "casework"
    verbose_name = "Child in need and child protection casework"

    def ready(self) -> None:
        from sightline.casework.selectors import open_work_for_child
        from sightline.chronology import panels

        panels.register_open_work(open_work_for_child)

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "sightline.casework"
    label = "casework"
    verbose_name = "Child in need and child protection casework"

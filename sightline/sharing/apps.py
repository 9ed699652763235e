from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sightline.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

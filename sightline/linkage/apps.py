from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "sightline.linkage"
    label = "linkage"
    verbose_name = "Linkage"

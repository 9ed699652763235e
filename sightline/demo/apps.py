from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sightline.demo"
    label = "demo"
    verbose_name = "Demo district"

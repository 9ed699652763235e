from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "sightline.risk"
    label = "risk"
    verbose_name = "Risk rules and alerts"

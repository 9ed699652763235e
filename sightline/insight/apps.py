from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "sightline.insight"
    label = "insight"
    verbose_name = "Insight and statutory returns"

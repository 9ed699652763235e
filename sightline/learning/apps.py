from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "sightline.learning"
    label = "learning"
    verbose_name = "Training programme"

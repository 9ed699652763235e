from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "sightline.partnership"
    label = "partnership"
    verbose_name = "Partnership assurance"

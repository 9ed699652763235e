from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "sightline.partnership"
    label = "partnership"
    verbose_name = "Partnership assurance"

    def ready(self) -> None:
        from sightline.partnership import alerts

        alerts.register()

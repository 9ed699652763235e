from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sightline.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from sightline.core.notifications import address_changed, alerts_raised
        from sightline.sharing.network import tasks

        alerts_raised.connect(tasks.on_alerts_raised, dispatch_uid="sharing.alerts_raised")
        address_changed.connect(tasks.on_address_changed, dispatch_uid="sharing.address_changed")

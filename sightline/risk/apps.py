from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "sightline.risk"
    label = "risk"
    verbose_name = "Risk rules and alerts"

    def ready(self) -> None:
        from sightline.chronology import listeners, panels
        from sightline.risk import engine, selectors

        listeners.listen_batch(engine.events_arrived)
        panels.register_alert_panel(selectors.alert_panel)

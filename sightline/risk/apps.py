from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "sightline.risk"
    label = "risk"
    verbose_name = "Risk rules and alerts"

    def ready(self) -> None:
        from sightline.chronology import listeners, panels
        from sightline.risk import selectors, tasks

        # The rules run in the worker: each committed batch of events, and each move of
        # entries between people (merge, split, undo), queues one evaluation (risk/tasks.py).
        listeners.listen_batch(tasks.events_recorded)
        listeners.listen_moved(tasks.entries_moved)
        panels.register_alert_panel(selectors.alert_panel)

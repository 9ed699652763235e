from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sightline.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from sightline.chronology import listeners
        from sightline.core.notifications import address_changed, alerts_raised, team_due_items
        from sightline.sharing.encompass import alerts as encompass_alerts
        from sightline.sharing.encompass import tasks as encompass_tasks
        from sightline.sharing.meetings import timescales as meeting_timescales
        from sightline.sharing.network import selectors, tasks

        meeting_timescales.register()

        alerts_raised.connect(tasks.on_alerts_raised, dispatch_uid="sharing.alerts_raised")
        address_changed.connect(tasks.on_address_changed, dispatch_uid="sharing.address_changed")
        team_due_items.connect(
            selectors.team_overdue_notifications, dispatch_uid="sharing.team_due_items"
        )
        listeners.listen_batch(encompass_tasks.on_events_recorded)
        encompass_alerts.register()

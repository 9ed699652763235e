"""`sightline escalate-notifications`: send each notification not acted on by its due time to
the recipient's manager (run every few minutes beside the worker, as cron runs
`send-notifications`). Safe to run twice at once: a notification escalates once."""

from typing import Any

from django.core.management.base import BaseCommand

from sightline.sharing.network.services import notifications_escalate


class Command(BaseCommand):
    help = "Escalate notifications not acted on by their due time to the recipient's manager."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{notifications_escalate()} notifications escalated.")

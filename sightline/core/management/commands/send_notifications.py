"""`sightline send-notifications`: deliver queued or failed notifications (run periodically).

Safe to run while another run or the web process is sending: each message is claimed first
(`sightline.core.notifications`), and one left `sending` by a run that stopped is sent again
after the claim timeout.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sightline.core.notifications import notifications_retry


class Command(BaseCommand):
    help = "Deliver every notification not yet sent; failures stay queued for the next run."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, failed = notifications_retry()
        self.stdout.write(f"{sent} sent, {failed} still failing.")

"""What each agency has sent: one row per (source, event_id), so a resend changes nothing."""

from __future__ import annotations

from django.db import models

from sightline.accounts.models import Agency

__all__ = ["ReceivedEvent"]


class ReceivedEvent(models.Model):
    """An event an agency's feed delivered, with a hash of its canonical payload.

    Delivering the same (source, event_id) again with the same payload is a duplicate; with
    a different payload it is a conflict, reported and not applied.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="received_events")
    source_event_id = models.CharField(max_length=100, help_text="The agency's event_id")
    payload_hash = models.CharField(max_length=64)
    payload = models.JSONField(help_text="The event exactly as the agency sent it")
    event = models.OneToOneField(
        "chronology.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_as",
    )
    recorded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sending agency recorded it (its recorded_at)"
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source_event_id"], name="received_event_unique_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.source_event_id}"

"""The notification outbox: a message is stored in the caller's transaction, then delivered.

A failed delivery never loses anything: the row stays queued or failed and
`sightline send-notifications` retries it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from sightline.core.models import Notification

log = logging.getLogger(__name__)


def notification_queue(
    *,
    subject: str,
    body: str,
    recipient_email: str = "",
    recipient_user: Any = None,
    topic: str = "",
    about: models.Model | None = None,
) -> Notification:
    email = recipient_email or getattr(recipient_user, "email", "") or ""
    notification = Notification.objects.create(
        subject=subject[:200],
        body=body,
        recipient_email=email,
        recipient_user=recipient_user,
        topic=topic,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    transaction.on_commit(lambda: notification_deliver(notification_id=notification.pk))
    return notification


def notification_deliver(*, notification_id: int) -> bool:
    """Try once to deliver; record the outcome. Never raises for a delivery failure."""
    notification = Notification.objects.get(pk=notification_id)
    if notification.status == Notification.Status.SENT:
        return True
    if not notification.recipient_email:
        # In-app only: the recipient reads it in Sightline.
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENT, sent_at=timezone.now()
        )
        return True
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient_email])
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded and retried
        log.warning("Notification %s not delivered: %s", notification.pk, error)
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED,
            attempts=models.F("attempts") + 1,
            last_error=str(error)[:2000],
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        attempts=models.F("attempts") + 1,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def notifications_retry() -> tuple[int, int]:
    """Deliver everything not yet sent. Returns (sent, still failing)."""
    sent = failed = 0
    pending = Notification.objects.exclude(status=Notification.Status.SENT).values_list(
        "pk", flat=True
    )
    for pk in list(pending):
        if notification_deliver(notification_id=pk):
            sent += 1
        else:
            failed += 1
    return sent, failed

"""The notification outbox: a message is stored in the caller's transaction, then delivered.

A failed delivery never loses anything: the row stays queued or failed and
`sightline send-notifications` retries it.

Each message is handed to the mail backend by one sender only. Two senders may be at work
at once (the web process delivering after its commit, `send-notifications` run by cron, a
second run overlapping the first), so a sender first *claims* a message: one conditional
UPDATE moves it from queued or failed to `sending` and stamps `claimed_at`, and only the
sender whose UPDATE changed the row sends it. The database decides the race: PostgreSQL
re-checks the WHERE of an UPDATE that waited for another's row lock (so the loser matches
nothing), and SQLite runs one write transaction at a time (`transaction_mode` IMMEDIATE).
A batch is picked with `select_for_update(skip_locked=True)` where the database has it
(PostgreSQL), so overlapping senders share the work rather than queue behind each other's
locks. The outcome (sent or failed) is recorded only while the sender still holds its
claim.

A sender that stops between its claim and recording the outcome (the process killed, the
machine restarted) leaves the message `sending`. After `SENDING_TIMEOUT` (15 minutes,
well beyond the SMTP timeout Django's backend is given) any sender may claim it again. If
the first sender had already handed it to the mail server before it stopped, that one
message goes twice: after a crash the outbox prefers a duplicate to a message lost. Without
a crash, a message is handed to the mail backend at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, NamedTuple

from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from sightline.core.models import Notification

log = logging.getLogger(__name__)

SENDING_TIMEOUT = dt.timedelta(minutes=15)
CLAIM_BATCH = 20  # messages claimed at a time: each is sent well inside the timeout
# The worker tries a message this many times, waiting twice as long after each failure
# (1, 2, 4, 8 minutes); after the last, the recipient's inbox says it could not be e-mailed.
MAX_ATTEMPTS = 5
FIRST_BACK_OFF = dt.timedelta(minutes=1)

# What the lower layers publish for the notification hub (sharing listens): sent after
# commit, so a rolled-back change tells nobody.
alerts_raised = Signal()  # alert_ids: list[int]
address_changed = Signal()  # person_id: int
# Asked by casework's team due list (team, user, as_of, episodes: {child id: episode id});
# receivers answer with overdue items as dicts of casework's `Due` fields.
team_due_items = Signal()


def publish_on_commit(signal: Signal, **facts: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **facts))


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
    transaction.on_commit(lambda: notification_send.enqueue(notification_id=notification.pk))
    return notification


def back_off(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try before the next."""
    return FIRST_BACK_OFF * 2 ** max(0, attempts - 1)


def gave_up(notification: Notification) -> bool:
    """Its delivery failed on every try the worker makes (shown to the recipient)."""
    return (
        notification.status == Notification.Status.FAILED and notification.attempts >= MAX_ATTEMPTS
    )


@task()
def notification_send(notification_id: int) -> bool:
    """The worker's delivery: claim, send once, record; after a failure, try again later
    (with back-off) until `MAX_ATTEMPTS` tries have failed. `send-notifications` still
    retries what is left failed."""
    if notification_deliver(notification_id=notification_id):
        return True
    message = Notification.objects.filter(pk=notification_id).first()
    if message is None or message.status != Notification.Status.FAILED:
        return False  # another sender holds it
    if message.attempts < MAX_ATTEMPTS:
        # A backend that cannot wait (tests' immediate one) leaves it to `send-notifications`.
        if notification_send.get_backend().supports_defer:
            notification_send.using(run_after=timezone.now() + back_off(message.attempts)).enqueue(
                notification_id=notification_id
            )
    else:
        log.error("Notification %s not delivered after %s tries", notification_id, MAX_ATTEMPTS)
    return False


def _claimable(now: dt.datetime) -> models.Q:
    """Waiting to be sent: queued, failed, or left `sending` by a sender that stopped."""
    return models.Q(status__in=[Notification.Status.QUEUED, Notification.Status.FAILED]) | (
        models.Q(status=Notification.Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)
    )


def _claim(pk: int, now: dt.datetime) -> bool:
    """Claim one message for this sender; False when another sender holds it or sent it."""
    claimed = Notification.objects.filter(_claimable(now), pk=pk).update(
        status=Notification.Status.SENDING, claimed_at=now
    )
    return claimed == 1


class Claimed(NamedTuple):
    """A batch a sender claimed: its messages, and the last id it looked at (None: none)."""

    notifications: list[Notification]
    last_seen: int | None


def notifications_claim(*, after: int = 0, limit: int = CLAIM_BATCH) -> Claimed:
    """Claim up to `limit` messages waiting to be sent, oldest first, with ids above `after`.

    Rows another sender is claiming at this moment are skipped (PostgreSQL), not waited
    for; each row is claimed by its own conditional UPDATE, so a row two senders both
    selected goes to one of them only.
    """
    now = timezone.now()
    with transaction.atomic():
        candidates = Notification.objects.filter(_claimable(now), pk__gt=after).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        won = [pk for pk in ids if _claim(pk, now)]
    claimed = list(Notification.objects.filter(pk__in=won).order_by("pk"))
    return Claimed(claimed, ids[-1] if ids else None)


def notification_deliver(*, notification_id: int) -> bool:
    """Claim the message and try once to deliver it; record the outcome.

    True when it is sent (now, or earlier). False when delivery failed (never raises for a
    delivery failure) or another sender holds it.
    """
    now = timezone.now()
    if not _claim(notification_id, now):
        status = Notification.objects.filter(pk=notification_id).values_list("status", flat=True)
        return status.first() == Notification.Status.SENT
    return _send_claimed(Notification.objects.get(pk=notification_id))


def _send_claimed(notification: Notification) -> bool:
    """Hand a message this sender has claimed to the mail backend; record what happened."""
    held = Notification.objects.filter(
        pk=notification.pk,
        status=Notification.Status.SENDING,
        claimed_at=notification.claimed_at,
    )
    if not notification.recipient_email:
        # In-app only: the recipient reads it in Sightline.
        held.update(status=Notification.Status.SENT, sent_at=timezone.now())
        return True
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient_email])
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded and retried
        log.warning("Notification %s not delivered: %s", notification.pk, error)
        held.update(
            status=Notification.Status.FAILED,
            attempts=models.F("attempts") + 1,
            last_error=str(error)[:2000],
        )
        return False
    if not held.update(
        status=Notification.Status.SENT,
        attempts=models.F("attempts") + 1,
        sent_at=timezone.now(),
        last_error="",
    ):
        log.warning("Notification %s was sent after its claim had timed out", notification.pk)
    return True


def notifications_retry() -> tuple[int, int]:
    """Deliver everything not yet sent that no other sender holds. Returns (sent, still
    failing). The run walks forward by id, so each message is tried at most once per run."""
    sent = failed = 0
    after = 0
    while True:
        batch = notifications_claim(after=after)
        if batch.last_seen is None:
            return sent, failed
        after = batch.last_seen
        for notification in batch.notifications:
            if _send_claimed(notification):
                sent += 1
            else:
                failed += 1

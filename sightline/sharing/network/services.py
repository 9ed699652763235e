"""Writes of the notification hub: notifications made for named recipients, read, acted on.

Made by the worker (tasks.py) after the change that caused them has committed; each one
writes its audit entry, and its e-mail (a link, no personal details) is queued in the
outbox in the same transaction, delivered by the worker after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.working_days import LONDON, add_working_days, next_working_day
from sightline.sharing.models import Due, NetworkNotification, NotificationKind
from sightline.sharing.network.audiences import (
    Recipient,
    kind_audience,
    manager_of,
    recipients_for,
)

HUB_ACTOR = "Sightline notifications"
EMAIL_SUBJECT = "You have a new notification in Sightline"


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def due_at(due: str, now: dt.datetime) -> dt.datetime:
    """The end of the day a notification made at `now` must be acted on by."""
    today = timezone.localtime(now, LONDON).date()
    if due == Due.SAME_DAY:
        return _end_of(today)
    if due == Due.THREE_WORKING_DAYS:
        return _end_of(add_working_days(today, 3))
    return _end_of(next_working_day(today))


def _email_body(notification: NetworkNotification) -> str:
    link = settings.SITE_URL + reverse("sharing:notification", args=[notification.pk])
    return (
        "Sightline has a new notification for you. Sign in to read it:\n\n"
        f"{link}\n\n"
        "This e-mail does not say whom it is about: the details are in Sightline only."
    )


def _notify(
    *,
    recipient: Recipient,
    kind: str,
    title: str,
    asks_for: str,
    detail: str,
    person_ids: list[int],
    alert_id: int | None,
    due: str,
    now: dt.datetime,
    escalation_of: NetworkNotification | None = None,
    due_by: dt.datetime | None = None,
) -> NetworkNotification | None:
    try:
        with transaction.atomic():
            notification = NetworkNotification.objects.create(
                recipient=recipient.user,
                kind=kind,
                title=title[:300],
                asks_for=asks_for[:300],
                detail=detail,
                alert_id=alert_id,
                reason=recipient.reason[:200],
                created_at=now,
                due_at=due_by or due_at(due, now),
                urgent=due == Due.SAME_DAY,
                escalation_of=escalation_of,
            )
    except IntegrityError:
        return None  # this alert was already notified to this recipient
    notification.persons.set(person_ids)
    notification.email = notification_queue(
        subject=EMAIL_SUBJECT,
        body=_email_body(notification),
        recipient_user=recipient.user,
        topic="network",
        about=notification,
    )
    notification.save(update_fields=["email"])
    audit.record_change(
        actor=HUB_ACTOR,
        action="notification.created",
        target=notification,
        person_id=person_ids[0] if person_ids else None,
        detail={"kind": kind, "recipient": recipient.user.pk, "alert": alert_id},
    )
    return notification


@transaction.atomic
def network_notify(
    *,
    kind: str,
    person_ids: Iterable[int],
    title: str = "",
    asks_for: str = "",
    detail: str = "",
    alert_id: int | None = None,
) -> list[NetworkNotification]:
    """Tell the named recipients of `kind` about these people (the first is the one whose
    network is told): one notification each, due as the kind says."""
    people = list(dict.fromkeys(person_ids))
    if not people:
        return []
    due, _ = kind_audience(kind)
    known = NotificationKind.objects.filter(code=kind).first()
    title = title or (known.name if known else kind.replace("-", " ").capitalize())
    now = timezone.now()
    made = []
    for recipient in recipients_for(kind=kind, person_id=people[0]):
        notification = _notify(
            recipient=recipient,
            kind=kind,
            title=title,
            asks_for=asks_for,
            detail=detail,
            person_ids=people,
            alert_id=alert_id,
            due=due,
            now=now,
        )
        if notification is not None:
            made.append(notification)
    return made


@transaction.atomic
def network_notify_user(
    *,
    recipient: User,
    reason: str,
    kind: str,
    title: str,
    person_ids: Iterable[int],
    asks_for: str = "",
    detail: str = "",
    due_by: dt.datetime | None = None,
) -> NetworkNotification | None:
    """Tell one named user (an action's owner, say) about these people, due by `due_by` (else
    as the kind says); the e-mail and the escalation work as for any notification."""
    due, _ = kind_audience(kind)
    return _notify(
        recipient=Recipient(recipient, reason),
        kind=kind,
        title=title,
        asks_for=asks_for,
        detail=detail,
        person_ids=list(dict.fromkeys(person_ids)),
        alert_id=None,
        due=due,
        now=timezone.now(),
        due_by=due_by,
    )


def _own(actor: User, notification: NetworkNotification) -> NetworkNotification:
    if notification.recipient_id != actor.pk:
        raise ValidationError("This notification is addressed to someone else.")
    return NetworkNotification.objects.select_for_update().get(pk=notification.pk)


@transaction.atomic
def notification_mark_read(*, actor: User, notification: NetworkNotification) -> None:
    held = _own(actor, notification)
    if held.read_at is None:
        held.read_at = timezone.now()
        held.save(update_fields=["read_at"])
        audit.record_change(actor=actor, action="notification.read", target=held)


@transaction.atomic
def notification_mark_acted_on(*, actor: User, notification: NetworkNotification) -> None:
    """Acted on (read too): it no longer escalates or counts as overdue."""
    held = _own(actor, notification)
    if held.acted_at is None:
        now = timezone.now()
        held.acted_at = now
        held.read_at = held.read_at or now
        held.save(update_fields=["acted_at", "read_at"])
        audit.record_change(actor=actor, action="notification.acted_on", target=held)


def _escalation_title(title: str) -> str:
    return f"Not acted on in time: {title}"[:300]


@transaction.atomic
def notifications_escalate(*, now: dt.datetime | None = None) -> int:
    """Each notification not acted on by its due time goes to the recipient's manager (once):
    a new notification, due the same day, pointing back to the one missed. Returns how many
    notifications were escalated."""
    now = now or timezone.now()
    late = (
        NetworkNotification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(acted_at__isnull=True, escalated_at__isnull=True, due_at__lt=now)
        .filter(escalation_of__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    escalated = 0
    for notification in late:
        person_ids = list(notification.persons.values_list("pk", flat=True))
        for manager in manager_of(notification.recipient):
            _notify(
                recipient=Recipient(manager, "The manager of the person it was sent to"),
                kind=notification.kind,
                title=_escalation_title(notification.title),
                asks_for=notification.asks_for,
                detail=notification.detail,
                person_ids=person_ids,
                alert_id=notification.alert_id,
                due=Due.SAME_DAY,
                now=now,
                escalation_of=notification,
            )
        notification.escalated_at = now
        notification.save(update_fields=["escalated_at"])
        audit.record_change(
            actor=HUB_ACTOR,
            action="notification.escalated",
            target=notification,
            person_id=person_ids[0] if person_ids else None,
        )
        escalated += 1
    return escalated

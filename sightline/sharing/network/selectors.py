"""Reads of the notification hub, scoped to the signed-in user (their own notifications only)
and recorded when they show personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.notifications import gave_up
from sightline.people.models import Person
from sightline.people.selectors import persons_visible_to
from sightline.sharing.models import NetworkNotification


def notifications_for(*, user: User) -> QuerySet[NetworkNotification]:
    """The user's inbox: not yet acted on first, then the most urgent, then the newest."""
    if not (user.is_authenticated and user.is_active):
        return NetworkNotification.objects.none()
    done = Case(
        When(acted_at__isnull=True, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )
    return (
        NetworkNotification.objects.filter(recipient=user)
        .select_related("email")
        .alias(done=done)
        .order_by("done", "-urgent", "-created_at", "-pk")
    )


def unread_count(*, user: User) -> int:
    if not (user.is_authenticated and user.is_active):
        return 0
    return NetworkNotification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass
class Shown:
    notification: NetworkNotification
    persons: list[Person]  # those the user may see; others are not named
    overdue: bool
    email_failed: bool


def _shown(user: User, notifications: list[NetworkNotification]) -> list[Shown]:
    visible = set(persons_visible_to(user).values_list("pk", flat=True))
    now = timezone.now()
    through = NetworkNotification.persons.through.objects.filter(
        networknotification_id__in=[n.pk for n in notifications]
    ).select_related("person")
    persons: dict[int, list[Person]] = {}
    for link in through:
        if link.person_id in visible:
            persons.setdefault(link.networknotification_id, []).append(link.person)
    return [
        Shown(
            notification=n,
            persons=persons.get(n.pk, []),
            overdue=n.acted_at is None and n.due_at < now,
            email_failed=n.email is not None and gave_up(n.email),
        )
        for n in notifications
    ]


def notifications_shown(*, user: User, notifications: list[NetworkNotification]) -> list[Shown]:
    """The inbox page as shown, recorded (which notifications, about whom)."""
    shown = _shown(user, notifications)
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="notifications.listed",
        detail={
            "notifications": [s.notification.pk for s in shown],
            "persons": sorted({p.pk for s in shown for p in s.persons}),
        },
    )
    return shown


def notification_get(*, user: User, notification_id: int) -> NetworkNotification:
    """One of the user's own notifications (404 for anyone else's)."""
    found = notifications_for(user=user).filter(pk=notification_id).first()
    if found is None:
        raise Http404("No such notification")
    return found


def notification_shown(*, user: User, notification: NetworkNotification) -> Shown:
    shown = _shown(user, [notification])[0]
    audit.record_read(
        actor=user,
        target=notification,
        person_id=shown.persons[0].pk if shown.persons else None,
        detail={"persons": [p.pk for p in shown.persons]},
    )
    return shown


def team_overdue_notifications(
    *, user: User, as_of: dt.date, episodes: dict[int, int], **_: Any
) -> list[dict[str, Any]]:
    """For casework's team due list: notifications about the team's children (those the user
    may see) that nobody acted on by their due time, as due-list items."""
    if not episodes:
        return []
    visible = persons_visible_to(user).filter(pk__in=list(episodes))
    late = (
        NetworkNotification.objects.filter(
            acted_at__isnull=True,
            escalation_of__isnull=True,
            due_at__lt=timezone.now(),
            persons__in=visible,
        )
        .select_related("recipient", "recipient__agency")
        .prefetch_related("persons")
        .order_by("due_at", "pk")
        .distinct()
    )
    items = []
    for notification in late:
        child = next(p for p in notification.persons.all() if p.pk in episodes)
        recipient = notification.recipient
        owner = recipient.get_full_name() or recipient.username
        items.append(
            {
                "kind": f"Notification not acted on: {notification.title}",
                "due_date": timezone.localtime(notification.due_at).date(),
                "episode_id": episodes[child.pk],
                "child": child,
                "owner": owner + (f", {recipient.agency.name}" if recipient.agency else ""),
            }
        )
    return items

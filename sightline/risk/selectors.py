"""Reads of alerts, rule settings and DASH records, scoped to the user and recorded.

A user sees an alert about a person they may see (`people.selectors.persons_visible_to`).
Their inbox holds the alerts addressed to them: to their role, their profession, their kind
of agency, or to the professionals currently working with the person (`involved`). They act
on (acknowledge, close) the alerts addressed to them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.models import Event
from sightline.chronology.panels import AlertItem
from sightline.core import audit
from sightline.people.models import Involvement, Person
from sightline.people.selectors import persons_visible_to
from sightline.risk import catalogue
from sightline.risk.models import Alert, AlertStatus, DashRecord, RuleSetting

INBOX_PAGE_SIZE = 50


def _open_first() -> Case:
    return Case(
        When(status=AlertStatus.OPEN, then=Value(0)),
        When(status=AlertStatus.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def audience_tokens(user: User) -> list[str]:
    tokens = [f"role:{user.role}", f"profession:{user.profession}"]
    if user.agency is not None:
        tokens.append(f"agency:{user.agency.kind}")
    return tokens


def _addressed_to(user: User) -> Q:
    condition = Q(pk__in=[])
    for token in audience_tokens(user):
        condition |= Q(audience__contains=f",{token},")
    today = timezone.localdate()
    involvement = Involvement.objects.filter(person=OuterRef("person_id")).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )
    mine = Q(user=user)
    if user.team_id:
        mine |= Q(team_id=user.team_id)
    condition |= Q(audience__contains=",involved,") & Q(Exists(involvement.filter(mine)))
    return condition


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Alerts about people the user may see (not recorded: callers record what they show)."""
    if not (user.is_authenticated and user.is_active):
        return Alert.objects.none()
    return Alert.objects.filter(person__in=persons_visible_to(user))


def alerts_addressed_to(user: User, *, status: str = "") -> QuerySet[Alert]:
    """The user's inbox: alerts addressed to them about people they may see, open first."""
    alerts = alerts_visible_to(user).filter(_addressed_to(user))
    if status:
        alerts = alerts.filter(status=status)
    return (
        alerts.select_related("person", "raised_by", "raised_by__source")
        .annotate(open_order=_open_first())
        .order_by("open_order", "-raised_at", "-id")
    )


def alert_inbox(*, user: User, status: str = "", page_number: int | str = 1) -> Page:
    """One page of the inbox. Records one LIST entry naming the alerts and people shown."""
    page = Paginator(alerts_addressed_to(user, status=status), INBOX_PAGE_SIZE).get_page(
        page_number
    )
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="alert_inbox.listed",
        detail={
            "status": status,
            "page": page.number,
            "alerts": [alert.pk for alert in page],
            "people": sorted({alert.person_id for alert in page}),
        },
    )
    return page


def alert_may_act(*, user: User, alert: Alert) -> bool:
    return alerts_addressed_to(user).filter(pk=alert.pk).exists()


def alert_get(*, user: User, alert_id: int) -> Alert:
    """An alert about a person the user may see, recording the read; Http404 otherwise."""
    alert = (
        alerts_visible_to(user)
        .select_related("person", "raised_by", "acknowledged_by", "closed_by")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise Http404("No such alert")
    audit.record_read(
        actor=user, target=alert, person_id=alert.person_id, detail={"rule": alert.rule}
    )
    return alert


def alert_evidence(alert: Alert) -> list[Event]:
    """The evidence events of an alert the user is already reading, oldest first."""
    return list(alert.evidence.select_related("source").order_by("occurred_at", "id"))


def alert_panel(*, user: User, person: Person) -> list[AlertItem]:
    """The alerts shown on a person's page (the page has already recorded the read), open
    first. Read as the columns the panel shows, not as Alert objects."""
    labels = dict(AlertStatus.choices)
    rows = (
        Alert.objects.filter(person_id=person.pk)
        .order_by(_open_first(), "-raised_at", "-id")
        .values_list("pk", "title", "raised_at", "status", "asks_for", "recipient_label")[:20]
    )
    return [
        AlertItem(
            title=title,
            url=reverse("risk:alert", args=[pk]),
            raised_at=raised_at,
            status=labels.get(status, status),
            asks_for=asks_for,
            recipient=recipient,
            is_open=status != AlertStatus.CLOSED,
        )
        for pk, title, raised_at, status, asks_for, recipient in rows
    ]


def rule_settings(*, user: User) -> list[tuple[catalogue.Rule, RuleSetting | None]]:
    """The catalogue with each rule's stored setting, for the settings page."""
    from sightline.risk.rules import may_change_rule_settings

    if not may_change_rule_settings(user):
        raise PermissionDenied("Only a partnership officer or administrator changes rules.")
    stored = {s.code: s for s in RuleSetting.objects.all()}
    return [(rule, stored.get(rule.code)) for rule in catalogue.RULES]


def incident_for_dash(*, user: User, event_id: int) -> Event:
    """A domestic abuse incident about someone the user may see, to record a DASH against."""
    event = (
        Event.objects.filter(
            pk=event_id,
            type="domestic_abuse_incident",
            participants__person__in=persons_visible_to(user),
        )
        .select_related("source")
        .distinct()
        .first()
    )
    if event is None:
        raise Http404("No such incident")
    audit.record_read(actor=user, target=event, person_id=None, detail={"purpose": "DASH"})
    return event


def incident_dash_records(event: Event) -> list[DashRecord]:
    return list(DashRecord.objects.filter(event=event).select_related("recorded_by"))

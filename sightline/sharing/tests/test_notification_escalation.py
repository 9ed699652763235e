"""A notification not acted on by its due time escalates to the recipient's manager and shows
as overdue on the team's due list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from sightline.casework.selectors import team_due_list
from sightline.people.models import Involvement
from sightline.sharing.models import NetworkNotification
from sightline.sharing.network.services import network_notify, notification_mark_acted_on
from sightline.sharing.tests.hub import network

pytestmark = pytest.mark.django_db

FRIDAY = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)  # Monday 4 May 2026 is a bank holiday


@pytest.fixture
def told(agencies, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(FRIDAY, tick=False)
    net = network(agencies)
    # The manager works with the child too, so may see them on the team's list.
    Involvement.objects.create(
        person=net.child,
        user=net.manager,
        agency=agencies["csc"],
        role="team manager",
        started=dt.date(2026, 1, 5),
    )
    network_notify(kind="was-not-brought", person_ids=[net.child.pk])
    network_notify(kind="address-change-open-case", person_ids=[net.child.pk])
    return net


def escalations(net):  # type: ignore[no-untyped-def]
    return NetworkNotification.objects.filter(escalation_of__recipient=net.worker)


def test_nothing_escalates_before_the_due_time(told, time_machine):
    time_machine.move_to("2026-05-05 22:00 +01:00", tick=False)  # Tuesday, before midnight
    call_command("escalate_notifications")
    assert not escalations(told).exists()


def test_a_notification_not_acted_on_escalates_to_the_manager_once(told, time_machine):
    time_machine.move_to("2026-05-06 08:00 +01:00", tick=False)  # Wednesday morning
    call_command("escalate_notifications")
    call_command("escalate_notifications")
    [escalation] = escalations(told).filter(recipient=told.manager)
    assert escalation.title.startswith("Not acted on in time: ")
    assert escalation.urgent and list(escalation.persons.all()) == [told.child]
    assert escalation.escalation_of.escalated_at is not None


def test_a_notification_acted_on_in_time_does_not_escalate(told, time_machine):
    notification = NetworkNotification.objects.get(
        recipient=told.worker, kind="address-change-open-case"
    )
    notification_mark_acted_on(actor=told.worker, notification=notification)
    time_machine.move_to("2026-05-06 08:00 +01:00", tick=False)
    call_command("escalate_notifications")
    assert not escalations(told).exists()


def test_the_team_due_list_shows_the_notification_overdue_the_day_after_its_due_time(
    told, time_machine
):
    time_machine.move_to("2026-05-05 12:00 +01:00", tick=False)
    due = team_due_list(user=told.manager, team=told.episode.team)
    assert not [d for d in due.overdue if d.kind.startswith("Notification not acted on")]
    time_machine.move_to("2026-05-06 09:00 +01:00", tick=False)
    due = team_due_list(user=told.manager, team=told.episode.team)
    late = [d for d in due.overdue if d.kind.startswith("Notification not acted on")]
    assert {(d.due_date, d.child) for d in late} == {(dt.date(2026, 5, 5), told.child)}
    assert any(d.owner.startswith("Sw Rowan") for d in late)

"""Notifications to named recipients: for every alert raised, an address or household change
of a child on a plan, and a CP-IS lookup; each with its due time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from sightline.people.services import address_add
from sightline.sharing.models import NetworkNotification
from sightline.sharing.network.services import network_notify
from sightline.sharing.tests.builders import plan
from sightline.sharing.tests.hub import involve, network
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def told(kind: str) -> set[str]:
    return set(
        NetworkNotification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_an_alert_raised_tells_its_recipients_after_commit(
    agencies, health_visitor, django_capture_on_commit_callbacks
):
    net = network(agencies)
    involve(net.child, health_visitor)
    c.event(
        source=agencies["csc"],
        type="assessment_started",
        occurred_at=c.at("2026-01-10"),
        participants=[(net.child, "child")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        c.event(
            source=agencies["health"],
            type="address_change",
            occurred_at=c.at("2026-02-01"),
            participants=[(net.child, "child")],
            details={"address": {"line": "9 Hill Top", "postcode": "BD22 1AB"}},
        )
    assert told("address-change-open-case") == {"sw.rowan", "tm.alder", "hv.birch"}
    notification = NetworkNotification.objects.filter(recipient=net.worker).first()
    assert notification is not None and notification.alert_id is not None
    assert list(notification.persons.all()) == [net.child]


def test_nothing_is_told_when_the_change_is_rolled_back(agencies, health_visitor):
    net = network(agencies)
    involve(net.child, health_visitor)
    c.event(
        source=agencies["health"],
        type="address_change",
        occurred_at=c.at("2026-02-01"),
        participants=[(net.child, "child")],
        details={"address": {"line": "9 Hill Top", "postcode": "BD22 1AB"}},
    )
    assert not NetworkNotification.objects.exists()


def test_an_alert_is_told_to_each_recipient_once(agencies):
    net = network(agencies)
    network_notify(kind="address-change-open-case", person_ids=[net.child.pk], alert_id=99)
    network_notify(kind="address-change-open-case", person_ids=[net.child.pk], alert_id=99)
    assert NetworkNotification.objects.filter(recipient=net.worker).count() == 1


def test_a_new_address_for_a_child_on_a_plan_tells_the_childs_network(
    agencies, school_dsl, django_capture_on_commit_callbacks
):
    child = f.child(given_name="Skye", family_name="Testnetwork")
    plan(child, agencies, start=dt.date(2025, 1, 10))
    involve(child, school_dsl, "designated safeguarding lead")
    with django_capture_on_commit_callbacks(execute=True):
        address_add(actor="test", person=child, line="4 Mill Lane", postcode="BD22 9XY")
    assert told("address-change") == {"sw.willow", "dsl.cedar"}


def test_an_adult_moving_in_with_a_child_on_a_plan_tells_the_childs_network(
    agencies, django_capture_on_commit_callbacks
):
    child = f.child(given_name="Skye", family_name="Testnetwork")
    plan(child, agencies, start=dt.date(2025, 1, 10))
    address_add(actor="test", person=child, line="4 Mill Lane", postcode="BD22 9XY")
    adult = f.adult(given_name="Rory", family_name="Testlodger")
    with django_capture_on_commit_callbacks(execute=True):
        address_add(actor="test", person=adult, line="4 Mill Lane", postcode="BD22 9XY")
    [notification] = NetworkNotification.objects.filter(kind="address-change")
    assert notification.title == "Someone joined the household of a child on a plan"
    assert set(notification.persons.all()) == {child, adult}


def test_a_new_address_for_a_child_not_on_a_plan_makes_no_address_notification(
    agencies, django_capture_on_commit_callbacks
):
    child = f.child(given_name="Nova", family_name="Testnoplan")
    with django_capture_on_commit_callbacks(execute=True):
        address_add(actor="test", person=child, line="4 Mill Lane", postcode="BD22 9XY")
    assert told("address-change") == set()


def test_a_same_day_notification_is_due_by_the_end_of_the_day(agencies, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC))  # a Friday
    net = network(agencies)
    [n, _] = network_notify(kind="address-change", person_ids=[net.child.pk])
    assert n.urgent and n.due_at.date() == dt.date(2026, 5, 1)


def test_a_next_working_day_notification_on_the_friday_before_a_bank_holiday_is_due_on_tuesday(
    agencies, time_machine
):
    time_machine.move_to(dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC))  # 4 May is a bank holiday
    net = network(agencies)
    [n, _] = network_notify(kind="address-change-open-case", person_ids=[net.child.pk])
    assert not n.urgent and n.due_at.date() == dt.date(2026, 5, 5)


def test_the_email_carries_only_a_link_and_no_personal_details(
    agencies, django_capture_on_commit_callbacks
):
    net = network(agencies)
    with django_capture_on_commit_callbacks(execute=True):
        network_notify(
            kind="address-change", person_ids=[net.child.pk], detail="Skye Testnetwork moved"
        )
    n = NetworkNotification.objects.get(recipient=net.worker)
    [email] = [m for m in mail.outbox if m.to == ["sw.rowan@example.org"]]
    assert f"/notifications/{n.pk}/" in email.body
    assert "Skye" not in email.body + email.subject
    assert "Testnetwork" not in email.body + email.subject
    n.refresh_from_db()
    assert n.delivered_at is not None


def test_a_cpis_lookup_tells_the_lead_workers_manager_and_the_childs_professionals(
    agencies, unscheduled_care, health_visitor, django_capture_on_commit_callbacks
):
    from sightline.sharing.services import cpis_lookup

    child = f.child(given_name="Skye", family_name="Testnetwork", nhs_number="9434765919")
    cp = plan(child, agencies, start=dt.date(2025, 1, 10))
    manager = f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.alder", team=cp.episode.team
    )
    involve(child, health_visitor)
    with django_capture_on_commit_callbacks(execute=True):
        cpis_lookup(actor=unscheduled_care, setting="ed", nhs_number="9434765919")
    assert told("cpis-lookup") == {manager.username, "hv.birch"}
    notification = NetworkNotification.objects.get(recipient=manager)
    assert "attended" in notification.detail and notification.urgent

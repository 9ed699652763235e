"""Urgency changes a contact's deadline and its place in the queue (LOCAL, DOMAIN.md 4).

Immediate danger: due at once. Needs to happen today: within 2 working hours. Not urgent:
by the end of the next working day. Urgent contacts head the queue, marked in words.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from sightline.frontdoor.models import Urgency
from sightline.frontdoor.services.contacts import contact_create  # noqa
from sightline.testing import frontdoor as fd

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def report(urgency: str):  # type: ignore[no-untyped-def]
    return contact_create(
        actor="public",
        channel="public",
        concern="A child is crying on the doorstep and nobody is answering.",
        urgency=urgency,
        anonymous=True,
    )


def test_a_child_in_immediate_danger_is_due_the_moment_the_report_arrives(agencies, time_machine):
    time_machine.move_to(at("2025-05-02T18:30"), tick=False)  # Friday evening, out of hours
    contact = report(Urgency.IMMEDIATE)
    assert contact.decision_due_at == at("2025-05-02T18:30")


def test_something_that_needs_to_happen_today_is_due_within_two_working_hours(
    agencies, time_machine
):
    time_machine.move_to(at("2025-05-07T10:15"), tick=False)  # a Wednesday morning
    contact = report(Urgency.TODAY)
    assert contact.decision_due_at == at("2025-05-07T12:15")


def test_today_late_in_the_afternoon_runs_on_into_the_next_working_morning(agencies, time_machine):
    time_machine.move_to(at("2025-05-02T16:30"), tick=False)  # Friday before a bank holiday
    contact = report(Urgency.TODAY)
    # Half an hour on Friday, then Monday 5 May is a bank holiday: Tuesday at 10:30.
    assert contact.decision_due_at == at("2025-05-06T10:30")


def test_a_contact_that_is_not_urgent_keeps_the_next_working_day_deadline(agencies, time_machine):
    time_machine.move_to(at("2025-05-02T10:00"), tick=False)
    contact = report(Urgency.NOT_URGENT)
    assert timezone_date(contact.decision_due_at) == dt.date(2025, 5, 6)


def timezone_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


# The queue -----------------------------------------------------------------------------------


def queue_rows(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(reference, the row's text) for each row of the queue, in order."""
    client = Client()
    client.force_login(user)
    html = client.get(reverse("frontdoor:queue")).content.decode()
    found = []
    for chunk in html.split('data-reference="')[1:]:
        found.append((chunk.split('"', 1)[0], chunk.split("</tr>", 1)[0]))
    return found


@pytest.fixture
def a_busy_morning(agencies, police_officer, time_machine):  # type: ignore[no-untyped-def]
    """Forty overdue contacts that are not urgent, then one for today, then immediate danger."""
    time_machine.move_to(at("2025-05-12T11:00"), tick=False)  # a Monday
    waiting = [
        fd.contact(referrer=police_officer, received_at=at("2025-05-08T09:00")) for _ in range(40)
    ]
    today = fd.contact(received_at=at("2025-05-12T10:40"), urgency=Urgency.TODAY)
    immediate = fd.contact(received_at=at("2025-05-12T10:55"), urgency=Urgency.IMMEDIATE)
    return {"waiting": waiting, "today": today, "immediate": immediate}


def test_a_child_in_immediate_danger_heads_the_queue_then_today_then_the_rest(
    a_busy_morning, ifd_practitioner
):
    rows = queue_rows(ifd_practitioner)
    references = [reference for reference, _ in rows]
    assert references[:2] == [
        a_busy_morning["immediate"].reference,
        a_busy_morning["today"].reference,
    ]
    assert len(references) == 42


def test_urgent_contacts_are_marked_in_words_with_their_same_day_deadline(
    a_busy_morning, ifd_practitioner
):
    (_, immediate), (_, today), (_, waiting), *_ = queue_rows(ifd_practitioner)
    assert "Immediate danger" in immediate
    assert "Mon 12 May 2025, 10:55" in immediate  # due at once
    assert "Today" in today
    assert "Mon 12 May 2025, 12:40" in today  # two working hours
    assert "Not urgent" in waiting

"""Idempotent by (source, event_id): a resend changes nothing; a changed resend is a conflict,
reported with the line, the id and when the first one came, and not applied."""

from __future__ import annotations

import json

import pytest
import time_machine

from sightline.chronology.models import Event, Participant
from sightline.core.models import AuditEntry
from sightline.feeds.models import ReceivedEvent
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import a_line, changed
from sightline.people.models import Person

pytestmark = pytest.mark.django_db


def send(*lines):  # type: ignore[no-untyped-def]
    return feed_import([(n, json.dumps(line)) for n, line in enumerate(lines, start=1)])


def test_sending_an_event_again_changes_nothing(agencies):
    send(a_line())
    counts = (Event.objects.count(), Participant.objects.count(), Person.objects.count())
    changes = AuditEntry.objects.filter(kind="change").exclude(action="feed.imported").count()
    again = send(a_line())
    assert (again.accepted, again.duplicates, again.conflicts) == (0, 1, 0)
    assert (Event.objects.count(), Participant.objects.count(), Person.objects.count()) == counts
    assert (
        AuditEntry.objects.filter(kind="change").exclude(action="feed.imported").count() == changes
    )


def test_key_order_and_spacing_do_not_make_a_resend_different(agencies):
    send(a_line())
    reordered = json.dumps(dict(reversed(list(a_line().items()))), indent=2).replace("\n", " ")
    again = feed_import([(1, reordered)])
    assert again.duplicates == 1


def test_the_same_event_twice_in_one_file_is_imported_once(agencies):
    summary = send(a_line(), a_line())
    assert (summary.accepted, summary.duplicates) == (1, 1)
    assert Event.objects.count() == 1


def test_a_changed_event_with_the_same_id_is_a_conflict_and_is_not_applied(agencies):
    with time_machine.travel("2024-05-01 09:00 +01:00"):
        send(a_line())
    changed_line = changed(a_line(), "details.dash_yes_count", 15)
    with time_machine.travel("2024-05-09 09:00 +01:00"):
        summary = send(a_line(event_id="OTHER-1"), changed_line)
    assert (summary.accepted, summary.conflicts) == (1, 1)
    [conflict] = summary.results
    assert (conflict.line, conflict.event_id, conflict.status) == (2, "DA-2020-004411", "conflict")
    reason = conflict.problems[0].reason
    assert "differs from the event already received on 2024-05-01" in reason
    assert "details.dash_yes_count" in reason
    stored = Event.objects.get(source_event_id="DA-2020-004411")
    assert stored.details["dash_yes_count"] == 9


def test_the_same_event_id_from_two_agencies_is_two_events(agencies):
    police = a_line()
    health = changed(a_line(), "source", "health")
    summary = send(police, health)
    assert summary.accepted == 2
    assert ReceivedEvent.objects.count() == 2

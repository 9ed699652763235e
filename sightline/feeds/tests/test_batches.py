"""Lines are imported in batches: one transaction per batch, a savepoint per line, and the
rules told once per batch, each touched person evaluated once."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sightline.chronology import listeners
from sightline.chronology.models import Event
from sightline.core import audit
from sightline.feeds import services
from sightline.feeds.models import ReceivedEvent
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import a_line
from sightline.people.models import Person, SourceRecord


def three_lines() -> list[dict]:
    """Three incidents about the same child; the second also names new people."""
    second = a_line(
        event_id="DA-2",
        occurred_at="2020-04-07T23:10:00+00:00",
        recorded_at="2020-04-08T02:00:00+00:00",
    )
    for n, person in enumerate(second["people"][:2], start=1):
        person["record_id"] = f"NEW-{n}"
        person["family_name"] = "Testnewcomer"
    return [
        a_line(event_id="DA-1"),
        second,
        a_line(
            event_id="DA-3",
            occurred_at="2020-05-07T23:10:00+00:00",
            recorded_at="2020-05-08T02:00:00+00:00",
        ),
    ]


def send(lines: list[dict], **options):  # type: ignore[no-untyped-def]
    return feed_import([(n, json.dumps(line)) for n, line in enumerate(lines, start=1)], **options)


@pytest.fixture
def failing_second_line(monkeypatch):  # type: ignore[no-untyped-def]
    """The second line fails after its people were created and audited."""
    real = services._addresses_update

    def addresses_update(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["line"].event_id == "DA-2":
            raise ValidationError({"occurred_at": "refused by the test"})
        return real(**kwargs)

    monkeypatch.setattr(services, "_addresses_update", addresses_update)


@pytest.mark.django_db
def test_a_failing_line_inside_a_batch_rolls_back_alone(agencies, failing_second_line):
    summary = send(three_lines())
    assert (summary.accepted, summary.rejected) == (2, 1)
    assert [r.line for r in summary.results] == [2]
    assert sorted(Event.objects.values_list("source_event_id", flat=True)) == ["DA-1", "DA-3"]
    assert sorted(ReceivedEvent.objects.values_list("source_event_id", flat=True)) == [
        "DA-1",
        "DA-3",
    ]
    assert not SourceRecord.objects.filter(record_id__startswith="NEW-").exists()
    assert not Person.objects.filter(family_name="Testnewcomer").exists()


@pytest.mark.django_db
def test_the_audit_chain_verifies_after_a_batched_import(agencies, failing_second_line):
    send(three_lines())
    send(three_lines(), batch_lines=2)
    assert list(audit.verify_chain()) == []
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    assert "The audit trail is intact" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_rules_hear_of_a_batch_once_after_it_commits(agencies, monkeypatch):
    heard: list[list[int]] = []
    monkeypatch.setattr(listeners, "_batch_listeners", [heard.append])
    monkeypatch.setattr(listeners, "_listeners", [])
    summary = send(three_lines(), batch_lines=2)
    assert summary.accepted == 3
    first, second = (
        list(Event.objects.filter(source_event_id__in=ids).values_list("pk", flat=True))
        for ids in (["DA-1", "DA-2"], ["DA-3"])
    )
    assert [sorted(ids) for ids in heard] == [sorted(first), second]


@pytest.mark.django_db
def test_a_changed_copy_later_in_the_same_batch_is_a_conflict(agencies):
    changed = a_line(summary="Changed afterwards")
    summary = send([a_line(), changed])
    assert (summary.accepted, summary.conflicts) == (1, 1)
    assert [(r.line, r.problems[0].field) for r in summary.results] == [(2, "event_id")]
    assert Event.objects.get().summary != "Changed afterwards"


@pytest.mark.django_db
def test_an_event_recorded_meanwhile_by_another_path_is_met_line_by_line(agencies):
    """The batch writes its events together; when one of them is already on the chronology
    (another writer recorded it first), the batch is imported again line by line and only
    that line is refused, the others kept."""
    first, second, third = three_lines()
    send([second])
    ReceivedEvent.objects.all().delete()  # as if recorded without going through the feed
    summary = send([first, second, third])
    assert (summary.accepted, summary.rejected) == (2, 1)
    assert [(r.line, r.problems[0].field) for r in summary.results] == [(2, "event_id")]
    assert sorted(Event.objects.values_list("source_event_id", flat=True)) == [
        "DA-1",
        "DA-2",
        "DA-3",
    ]
    assert list(audit.verify_chain()) == []

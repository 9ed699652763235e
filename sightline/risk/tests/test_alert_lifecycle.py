"""One alert per pattern, replay, lifecycle, and the JSON command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sightline.core.models import AuditEntry
from sightline.risk import engine
from sightline.risk.models import Alert, AlertStatus
from sightline.risk.services import alert_acknowledge, alert_close
from sightline.risk.tests.conftest import alerts, evidence
from sightline.testing import chronology as c


def three_contacts(arrive, child, days=("2023-01-10", "2023-02-10", "2023-03-10")):  # type: ignore[no-untyped-def]
    return [
        arrive("contact", day, (child, "child"), outcome="nfa", referral_source="6") for day in days
    ]


def snapshot() -> list[tuple]:
    return sorted(
        (a.rule, a.person_id, a.raised_by_id, a.raised_at, tuple(evidence(a)))
        for a in Alert.objects.all()
    )


def test_replay_gives_the_same_alerts_as_arrival(arrive, lily, frankie, sam):
    three_contacts(arrive, lily)
    arrive("ed_attendance", "2023-03-01", (lily, "child"), source="hospital")
    arrive("ed_attendance", "2023-04-01", (lily, "child"), source="hospital")
    arrive(
        "domestic_abuse_incident",
        "2023-05-01",
        (frankie, "victim"),
        (lily, "child"),
        risk_level="high",
    )
    as_arrived = snapshot()
    assert len(as_arrived) == 3
    Alert.objects.all().delete()
    engine.replay()
    assert snapshot() == as_arrived
    engine.replay()
    assert snapshot() == as_arrived  # replaying twice changes nothing


def test_events_arriving_out_of_order_give_the_same_alert(arrive, lily):
    third = arrive("contact", "2023-03-10", (lily, "child"), outcome="nfa")
    arrive("contact", "2023-01-10", (lily, "child"), outcome="nfa")
    arrive("contact", "2023-02-10", (lily, "child"), outcome="nfa")
    [alert] = alerts("contacts-without-assessment")
    assert alert.raised_by == third


def test_acknowledge_then_close_records_who_and_when(arrive, lily, ifd_manager):
    three_contacts(arrive, lily)
    [alert] = alerts("contacts-without-assessment")
    alert_acknowledge(actor=ifd_manager, alert=alert)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, ifd_manager)
    assert alert.acknowledged_at is not None
    alert_close(
        actor=ifd_manager,
        alert=alert,
        outcome="action_taken",
        note="Reviewed the history; strategy discussion held.",
    )
    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.outcome) == ("closed", ifd_manager, "action_taken")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"alert.raised", "alert.acknowledged", "alert.closed"} <= actions


def test_closing_needs_an_outcome_and_a_note(arrive, lily, ifd_manager):
    three_contacts(arrive, lily)
    [alert] = alerts("contacts-without-assessment")
    with pytest.raises(ValidationError, match="Enter a note"):
        alert_close(actor=ifd_manager, alert=alert, outcome="action_taken", note=" ")


def test_a_closed_alert_reopens_when_the_pattern_grows(arrive, lily, ifd_manager):
    three_contacts(arrive, lily)
    [alert] = alerts("contacts-without-assessment")
    alert_close(actor=ifd_manager, alert=alert, outcome="no_action_needed", note="Seen.")
    fourth = arrive("contact", "2023-04-10", (lily, "child"), outcome="nfa")
    [again] = alerts("contacts-without-assessment")
    assert again.pk == alert.pk
    assert again.status == AlertStatus.OPEN and again.reopened_count == 1
    assert fourth.pk in evidence(again)


def test_an_acted_on_alert_whose_pattern_no_longer_holds_is_closed_as_withdrawn(
    arrive, lily, ifd_manager
):
    three_contacts(arrive, lily)
    [alert] = alerts("contacts-without-assessment")
    alert_acknowledge(actor=ifd_manager, alert=alert)
    arrive("assessment_started", "2023-03-20", (lily, "child"), source="csc")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == ("closed", "withdrawn")


def _run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("alerts", "--format", "json", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_the_json_command_lists_every_alert_in_the_documented_shape(arrive, lily, agencies):
    from sightline.people.services import source_record_link

    source_record_link(actor="test", person=lily, agency=agencies["police"], record_id="WYP-553")
    events = three_contacts(arrive, lily)
    [row] = _run()
    assert set(row) == {"rule", "person", "raised_at", "evidence", "status"}
    assert row["rule"] == "contacts-without-assessment"
    assert row["person"]["id"] == lily.pk and row["person"]["name"] == "Poppy Smith"
    assert row["person"]["date_of_birth"] == "2019-01-04"
    assert "police:WYP-553" in row["person"]["source_ids"]
    assert row["raised_at"] == events[2].occurred_at.isoformat()
    assert row["evidence"] == [f"police:{e.source_event_id}" for e in events]
    assert row["status"] == "open"


def test_events_sightline_recorded_itself_are_named_by_their_sightline_id(lily, agencies):
    from sightline.chronology.services import event_record

    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        event_record(
            type="contact",
            occurred_at=c.at(day),
            summary="Contact by form",
            source=agencies["csc"],
            participants=[(lily, "child")],
            details={"outcome": "nfa"},
        )
    [row] = _run("--rebuild")
    assert all(key.startswith("sightline:") for key in row["evidence"])


def test_as_of_leaves_out_later_events_and_writes_nothing(arrive, lily):
    three_contacts(arrive, lily)
    assert _run("--as-of", "2023-03-09") == []
    [row] = _run("--as-of", "2023-03-10")
    assert row["rule"] == "contacts-without-assessment"
    assert Alert.objects.count() == 1


def test_rebuild_replays_history(lily, agencies):
    for i in range(3):
        c.event(
            lily,
            source=agencies["police"],
            occurred_at=c.at("2023-01-10") + dt.timedelta(days=i),
            details={"outcome": "nfa"},
        )
    assert Alert.objects.count() == 0  # no listener ran: the callbacks were not committed
    rows = _run("--rebuild")
    assert [r["rule"] for r in rows] == ["contacts-without-assessment"]
    assert AuditEntry.objects.filter(action="alerts.replayed").exists()

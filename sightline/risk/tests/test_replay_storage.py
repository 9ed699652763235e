"""Replay storage: a rebuild stores the alerts that event-by-event arrival stores, and a replay
over a history that has not changed writes nothing to the alerts."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sightline.core.models import AuditEntry
from sightline.people.services import address_add
from sightline.risk import engine
from sightline.risk.models import Alert, AlertStatus
from sightline.risk.services import alert_acknowledge, alert_close
from sightline.risk.tests.conftest import alerts, evidence
from sightline.testing import chronology as c
from sightline.testing import factories as f

HOME = {"line": "4 Mill Lane", "postcode": "BD21 4QA"}
ALERT_TABLES = (Alert._meta.db_table, Alert.evidence.through._meta.db_table)


def snapshot() -> list[tuple]:
    return sorted(
        (a.rule, a.person_id, a.raised_by_id, a.raised_at, a.status, tuple(evidence(a)))
        for a in Alert.objects.all()
    )


def history(arrive, lily, frankie, sam):  # type: ignore[no-untyped-def]
    """Contacts and attendances for Poppy; a release to the home of Ben, who has no events of
    his own (the household rules raise for him)."""
    ben = f.child(given_name="Ben", family_name="Smith", date_of_birth=dt.date(2020, 6, 1))
    for person in (ben, frankie):
        address_add(
            actor="test", person=person, line="4 Mill Lane", postcode="bd21 4qa",
            moved_in=dt.date(2020, 6, 1),
        )  # fmt: skip
    for day in ("2023-01-10", "2023-02-10", "2023-03-10"):
        arrive("contact", day, (lily, "child"), outcome="nfa", referral_source="6")
    arrive("ed_attendance", "2023-03-01", (lily, "child"), source="hospital")
    arrive("ed_attendance", "2023-04-01", (lily, "child"), source="hospital")
    arrive("domestic_abuse_incident", "2021-05-01", (frankie, "victim"), (sam, "perpetrator"))
    arrive("custody_release", "2024-04-01", (sam, "subject"), release_address=HOME)
    return ben


def test_a_rebuild_gives_the_alerts_of_event_by_event_arrival(arrive, lily, frankie, sam):
    ben = history(arrive, lily, frankie, sam)
    as_arrived = snapshot()
    assert [a.person for a in alerts("perpetrator-release-to-child")] == [ben]
    assert len(as_arrived) >= 3
    Alert.objects.all().delete()
    result = engine.replay()
    assert snapshot() == as_arrived
    assert result.counts()["raised"] == len(as_arrived)
    again = engine.replay()  # the person with no events of their own keeps their alert
    assert snapshot() == as_arrived
    assert again.counts() == dict.fromkeys(again.counts(), 0)


def test_a_replay_over_an_unchanged_history_writes_nothing(arrive, lily, frankie, sam):
    history(arrive, lily, frankie, sam)
    engine.replay()
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        result = engine.replay()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in q["sql"] for table in ALERT_TABLES)
    ]
    assert writes == []
    assert snapshot() == before
    assert result.counts() == dict.fromkeys(result.counts(), 0)
    # The summary entry is still recorded, once per replay.
    assert AuditEntry.objects.filter(action="alerts.replayed").count() == 2


def test_a_replay_reopens_a_closed_alert_whose_pattern_grew(arrive, lily, ifd_manager, agencies):
    days = ("2023-01-10", "2023-02-10", "2023-03-10")
    for day in days:
        arrive("contact", day, (lily, "child"), outcome="nfa", referral_source="6")
    [alert] = alerts("contacts-without-assessment")
    alert_acknowledge(actor=ifd_manager, alert=alert)
    alert_close(actor=ifd_manager, alert=alert, outcome="action_taken", note="Looked into it.")
    # A fourth contact recorded without the listener running (as if the rules were off):
    # the replay finds the pattern grew, and the closed alert reopens.
    fourth = c.event(
        source=agencies["police"],
        type="contact",
        occurred_at=c.at("2023-03-20", "12:00"),
        participants=[(lily, "child")],
        details={"outcome": "nfa", "referral_source": "6"},
    )
    assert fourth.pk not in evidence(alert)
    result = engine.replay()
    assert result.counts()["reopened"] == 1
    [again] = alerts("contacts-without-assessment")
    assert again.pk == alert.pk
    assert (again.status, again.reopened_count) == (AlertStatus.OPEN, 1)
    assert (again.closed_by, again.outcome) == (ifd_manager, "action_taken")
    assert fourth.pk in evidence(again)

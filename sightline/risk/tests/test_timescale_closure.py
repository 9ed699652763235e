"""A timescale alert whose work is then done is closed by Sightline, saying when and how late;
an alert a person closed stays as they closed it; nothing is deleted.

The ICPC is on Thursday 17 April 2025: the first core group is due on Tuesday 6 May (Good
Friday, Easter Monday and the early May bank holiday are not working days).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.casework.models import Plan
from sightline.casework.services.plans import plan_create
from sightline.core.models import AuditEntry
from sightline.risk import engine, services, timescales
from sightline.risk.models import Alert, AlertOutcome, AlertStatus
from sightline.risk.tests.conftest import alerts, evidence
from sightline.risk.tests.test_casework_timescales import (  # noqa: F401 - fixtures
    cp_plan,
    episode,
    event,
    hold_core_group,
    manager,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def missed_core_group(time_machine, cp_plan, lily):  # type: ignore[no-untyped-def]  # noqa: F811
    """The sweep on Wednesday 7 May raised core-group-overdue: none was held by 6 May."""
    time_machine.move_to("2025-05-07 09:00 +01:00")
    engine.timescales_sweep()
    [alert] = alerts("core-group-overdue", lily)
    return alert


def close_done() -> list[Alert]:
    return services.timescale_alerts_close_done()


def test_a_core_group_held_late_closes_its_alert_saying_when_and_how_late(
    time_machine,
    missed_core_group,
    cp_plan,  # noqa: F811
    social_worker,
    lily,
):
    icpc = event("icpc", dt.date(2025, 4, 17))
    assert close_done() == []  # not held yet: still overdue

    time_machine.move_to("2025-05-09 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 9))
    [closed] = close_done()

    alert = Alert.objects.get(pk=missed_core_group.pk)  # kept, not deleted
    assert closed == alert
    assert (alert.status, alert.outcome, alert.closed_by) == (
        AlertStatus.CLOSED,
        AlertOutcome.ACTION_TAKEN,
        None,
    )
    assert alert.note == (
        "Closed by Sightline: the core group met on Friday 9 May 2025, "
        "3 working days after it was due on Tuesday 6 May 2025."
    )
    assert alert.closed_at is not None
    assert evidence(alert) == [icpc.pk]
    assert (alert.raised_by_id, alert.raised_at) == (
        missed_core_group.raised_by_id,
        missed_core_group.raised_at,
    )
    entry = AuditEntry.objects.get(action="alert.closed", object_id=str(alert.pk))
    assert entry.actor_label == "rules"

    engine.timescales_sweep()  # the next sweep neither reopens nor duplicates it
    assert alerts("core-group-overdue", lily) == [alert]
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.CLOSED
    assert close_done() == []


def test_an_alert_a_person_closed_stays_as_they_closed_it(
    time_machine,
    missed_core_group,
    cp_plan,  # noqa: F811
    social_worker,
    manager,  # noqa: F811
):
    services.alert_close(
        actor=manager,
        alert=missed_core_group,
        outcome=AlertOutcome.ALREADY_IN_HAND,
        note="Core group booked for Friday; chair on leave.",
    )
    time_machine.move_to("2025-05-09 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 9))

    assert close_done() == []
    alert = Alert.objects.get(pk=missed_core_group.pk)
    assert (alert.closed_by, alert.outcome, alert.note) == (
        manager,
        AlertOutcome.ALREADY_IN_HAND,
        "Core group booked for Friday; chair on leave.",
    )


def test_an_acknowledged_alert_is_closed_when_the_work_is_done_keeping_who_acknowledged_it(
    time_machine,
    missed_core_group,
    cp_plan,  # noqa: F811
    social_worker,
    manager,  # noqa: F811
):
    services.alert_acknowledge(actor=manager, alert=missed_core_group)
    time_machine.move_to("2025-05-08 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 8))

    close_done()
    alert = Alert.objects.get(pk=missed_core_group.pk)
    assert (alert.status, alert.acknowledged_by, alert.closed_by) == (
        AlertStatus.CLOSED,
        manager,
        None,
    )
    assert "2 working days after it was due" in alert.note


def test_a_plan_that_ends_before_the_core_group_closes_its_alert_as_no_longer_due(
    time_machine,
    missed_core_group,
    cp_plan,  # noqa: F811
    social_worker,
):
    from sightline.casework.tests.test_protection_builders import review_ending

    time_machine.move_to("2025-05-12 17:00 +01:00")
    review_ending(social_worker, cp_plan, dt.date(2025, 5, 12))  # only a review ends a CP plan
    close_done()
    alert = Alert.objects.get(pk=missed_core_group.pk)
    assert (alert.status, alert.outcome) == (AlertStatus.CLOSED, AlertOutcome.WITHDRAWN)
    assert alert.note.startswith(
        "Closed by Sightline: no longer due, the child protection plan ended on Monday 12 May"
    )


def test_an_assessment_completed_late_closes_the_alert_its_referral_raised(
    arrive, lily, time_machine
):
    # Referral Monday 6 Jan 2025: the assessment is due by Monday 10 March.
    referral = arrive("contact", "2025-01-06", (lily, "child"), outcome="referral")
    time_machine.move_to("2025-03-11 09:00 +00:00")
    engine.timescales_sweep()
    [alert] = alerts("assessment-overdue", lily)
    assert alert.raised_by_id == referral.pk

    arrive("assessment_completed", "2025-03-14", (lily, "child"), source="csc")
    time_machine.move_to("2025-03-14 18:00 +00:00")
    [closed] = close_done()
    assert closed.pk == alert.pk
    assert closed.note == (
        "Closed by Sightline: the assessment was completed on Friday 14 March 2025, "
        "4 working days after it was due on Monday 10 March 2025."
    )


def test_a_contact_decided_late_closes_its_alert(ifd_practitioner, lily, time_machine):
    from sightline.frontdoor.models import NeedLevel, Outcome
    from sightline.frontdoor.services.decisions import contact_decide
    from sightline.testing import frontdoor as fd

    time_machine.move_to("2025-05-02 10:00 +01:00")
    contact = fd.contact(child=lily)  # due by the end of Tuesday 6 May
    time_machine.move_to("2025-05-07 09:00 +01:00")
    engine.timescales_sweep()
    [alert] = alerts("contact-decision-overdue", lily)
    assert close_done() == []

    time_machine.move_to("2025-05-07 11:00 +01:00")
    contact_decide(
        actor=ifd_practitioner,
        contact=contact,
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale="Universal services are meeting the child's needs; school will monitor.",
    )
    close_done()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert alert.note == (
        "Closed by Sightline: the contact was decided on Wednesday 7 May 2025, "
        "1 working day after it was due on Tuesday 6 May 2025."
    )


def test_every_child_a_stream_timescale_can_be_about_is_read_by_the_sweep(
    time_machine,
    episode,  # noqa: F811
    social_worker,
    lily,
):
    """A case opened in casework (no front door contact) with only a CIN plan: its only
    clock is supervision, which starts at the plan."""
    time_machine.move_to("2025-04-02 17:00 +01:00")
    plan_create(
        actor=social_worker, episode=episode, kind=Plan.Kind.CIN, start_date=dt.date(2025, 4, 2)
    )
    assert lily.pk in timescales.timescale_people()


def test_the_sweep_itself_closes_a_core_group_alert_once_the_group_met(
    time_machine,
    missed_core_group,
    cp_plan,  # noqa: F811
    social_worker,
    lily,
):
    time_machine.move_to("2025-05-09 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 9))
    engine.timescales_sweep()  # what the scheduled sweep runs: no separate call needed
    alert = Alert.objects.get(pk=missed_core_group.pk)
    assert (alert.status, alert.outcome) == (AlertStatus.CLOSED, AlertOutcome.ACTION_TAKEN)

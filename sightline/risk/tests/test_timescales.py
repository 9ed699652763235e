"""Timescale rules: contact-decision-overdue (T1), assessment-overdue (T2), icpc-overdue (T4);
the rest are in the catalogue and wait for their records."""

from __future__ import annotations

import datetime as dt

from sightline.risk import catalogue, engine
from sightline.risk.tests.conftest import alerts


def codes(as_of: str) -> list[tuple[str, int]]:
    return [
        (i.rule, i.raised_by)
        for i in engine.compute(as_of=dt.date.fromisoformat(as_of))
        if i.rule in catalogue.TIMESCALE_CODES
    ]


def test_every_timescale_of_the_design_is_in_the_catalogue():
    assert set(catalogue.TIMESCALE_CODES) == {
        "contact-decision-overdue",
        "assessment-overdue",
        "icpc-overdue",
        "core-group-overdue",
        "review-conference-overdue",
        "encompass-notification-late",
        "dram-overdue",
        "marac-minutes-overdue",
        "meeting-action-overdue",
        "panel-notification-overdue",
        "rapid-review-overdue",
        "supervision-overdue",
    }
    assert catalogue.BY_CODE["supervision-overdue"].defaults == {"weeks": 4}


def test_an_assessment_not_completed_in_45_working_days_is_overdue(arrive, lily):
    # Referral Monday 6 Jan 2025: 45 working days later is Monday 10 March 2025.
    referral = arrive("contact", "2025-01-06", (lily, "child"), outcome="referral")
    assert codes("2025-03-10") == []
    assert codes("2025-03-11") == [("assessment-overdue", referral.pk)]


def test_an_assessment_completed_on_time_is_not_overdue(arrive, lily):
    arrive("contact", "2025-01-06", (lily, "child"), outcome="referral")
    arrive("assessment_completed", "2025-03-10", (lily, "child"), source="csc")
    assert codes("2025-06-01") == []


def test_an_icpc_not_held_within_15_working_days_of_s47_is_overdue(arrive, lily):
    # S47 started Thursday 17 April 2025; Good Friday, Easter Monday and the early May bank
    # holiday are not working days: the 15th working day is Tuesday 13 May.
    started = arrive("s47_started", "2025-04-17", (lily, "child"), source="csc")
    assert codes("2025-05-13") == []
    assert ("icpc-overdue", started.pk) in codes("2025-05-14")


def test_a_contact_undecided_past_its_deadline_is_raised_by_the_sweep(
    ifd_practitioner, lily, time_machine
):
    from sightline.testing import frontdoor as fd

    time_machine.move_to("2025-05-02 10:00 +01:00")
    contact = fd.contact(child=lily)  # Friday before a bank holiday: due end of Tuesday 6 May
    time_machine.move_to("2025-05-06 18:00 +01:00")
    engine.timescales_sweep()
    assert alerts("contact-decision-overdue") == []
    time_machine.move_to("2025-05-07 09:00 +01:00")
    engine.timescales_sweep()
    [alert] = alerts("contact-decision-overdue", lily)
    assert alert.raised_by_id == contact.event_id
    assert alert.raised_at == contact.event.occurred_at
    assert codes("2025-05-06") == [] and codes("2025-05-07") == [
        ("contact-decision-overdue", contact.event_id)
    ]

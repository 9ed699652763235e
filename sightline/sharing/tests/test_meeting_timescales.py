"""T11 `dram-overdue`, MARAC minutes within 3 working days, and actions past their due date, as
alerts: not before the deadline has passed, once only, and closed by the rules when done."""

import datetime as dt

import pytest

from sightline.risk import catalogue, engine
from sightline.risk.models import Alert, AlertStatus
from sightline.sharing.meetings import services, timescales
from sightline.sharing.tests import meeting_builders as b

pytestmark = pytest.mark.django_db


def test_dram_overdue_no_longer_waits_for_records():
    rule = catalogue.rule_get("dram-overdue")
    assert rule.computable and not rule.waits_for


@pytest.fixture
def home(agencies):
    return b.Household()


def test_a_high_risk_incident_not_discussed_within_24_hours_raises_dram_overdue(
    agencies, home, time_machine
):
    time_machine.move_to(b.at("2025-03-04", "08:00"))
    b.incident(agencies, home, b.at("2025-03-03", "22:00"))  # Monday night
    tuesday = b.held_meeting(agencies, "2025-03-04")  # listed, nothing recorded
    assert tuesday.cases.count() == 1
    assert timescales.dram_overdue(dt.date(2025, 3, 4)) == []  # the due day itself
    assert timescales.dram_overdue(dt.date(2025, 3, 5)) == [(home.child.pk, dt.date(2025, 3, 4))]

    time_machine.move_to(b.at("2025-03-05", "08:00"))
    engine.timescales_sweep()
    engine.timescales_sweep()
    [alert] = Alert.objects.filter(rule="dram-overdue")
    assert alert.person == home.child
    assert alert.status == AlertStatus.OPEN


def test_an_incident_discussed_at_the_next_mornings_dram_is_in_time(agencies, home, time_machine):
    time_machine.move_to(b.at("2025-03-04", "10:00"))
    b.incident(agencies, home, b.at("2025-03-03", "22:00"))
    tuesday = b.held_meeting(agencies, "2025-03-04")
    b.discuss(tuesday.cases.get(), b.coordinator(agencies), agencies)
    assert timescales.dram_overdue(dt.date(2025, 3, 6)) == []


def test_a_late_discussion_closes_the_alert_with_how_it_ended(agencies, home, time_machine):
    time_machine.move_to(b.at("2025-03-04", "08:00"))
    b.incident(agencies, home, b.at("2025-03-03", "22:00"))
    tuesday = b.held_meeting(agencies, "2025-03-04")
    time_machine.move_to(b.at("2025-03-05", "08:00"))
    engine.timescales_sweep()
    b.discuss(tuesday.cases.get(), b.coordinator(agencies), agencies)
    ended = timescales.dram_ended(home.child.pk, dt.date(2025, 3, 4), dt.date(2025, 3, 5))
    assert ended is not None and ended.what == "the incident was discussed at the DRAM"
    time_machine.move_to(b.at("2025-03-06", "08:00"))
    engine.timescales_sweep()
    alert = Alert.objects.get(rule="dram-overdue")
    assert alert.status == AlertStatus.CLOSED


def test_incidents_before_the_first_dram_recorded_in_sightline_raise_nothing(agencies, home):
    b.incident(agencies, home, b.at("2024-03-03", "22:00"))
    assert timescales.dram_overdue(dt.date(2025, 3, 5)) == []


def test_marac_minutes_are_due_3_working_days_after_the_meeting_over_easter(
    agencies, home, time_machine
):
    time_machine.move_to(b.at("2025-04-17", "08:00"))
    marac = b.held_meeting(agencies, "2025-04-17", kind="marac")  # Thursday before Good Friday
    assert marac.minutes_due_on == dt.date(2025, 4, 24)  # 18 and 21 April are bank holidays
    case = services.meeting_case_list(
        actor=b.coordinator(agencies),
        meeting=marac,
        item=services.AgendaItem(home.victim, [(home.victim, "victim")], ["Referral"]),
    )
    assert timescales.marac_minutes_overdue(dt.date(2025, 4, 24)) == []
    assert timescales.marac_minutes_overdue(dt.date(2025, 4, 25)) == [
        (home.victim.pk, dt.date(2025, 4, 24))
    ]
    time_machine.move_to(b.at("2025-04-22", "08:00"))
    coordinator = b.coordinator(agencies)
    b.discuss(case, coordinator, agencies)
    services.minutes_publish(
        actor=coordinator, meeting=marac, version=None, minutes="Actions agreed for each case."
    )
    assert timescales.marac_minutes_overdue(dt.date(2025, 4, 25)) == []


def test_minutes_cannot_be_published_while_a_case_has_nothing_recorded(
    agencies, home, time_machine
):
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    dram = b.held_meeting(agencies, "2025-03-03")
    with pytest.raises(Exception, match="1 case has nothing recorded"):
        services.minutes_publish(
            actor=b.coordinator(agencies), meeting=dram, version=None, minutes="Minutes."
        )


def test_an_action_past_its_due_date_is_an_alert_until_it_is_done(
    agencies, home, time_machine, police_officer
):
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    dram = b.held_meeting(agencies, "2025-03-03")
    case = dram.cases.get()
    coordinator = b.coordinator(agencies)
    b.discuss(case, coordinator, agencies)
    action = services.meeting_action_add(
        actor=coordinator,
        case=case,
        agency=agencies["police"],
        owner=police_officer,
        what="Visit the victim with the IDVA and fit a door alarm.",
        protects="victim",
        due_on=dt.date(2025, 3, 10),
    )
    assert timescales.meeting_actions_overdue(dt.date(2025, 3, 10)) == []
    assert timescales.meeting_actions_overdue(dt.date(2025, 3, 11)) == [
        (home.victim.pk, dt.date(2025, 3, 10))
    ]
    time_machine.move_to(b.at("2025-03-11", "08:00"))
    engine.timescales_sweep()
    assert Alert.objects.filter(rule="meeting-action-overdue", person=home.victim).count() == 1

    services.meeting_action_review(
        actor=coordinator, action=action, version=None, status="not_done", note="Not yet: away."
    )
    assert timescales.meeting_actions_overdue(dt.date(2025, 3, 12)) != []
    services.meeting_action_review(
        actor=coordinator, action=action, version=None, status="done", note=""
    )
    assert timescales.meeting_actions_overdue(dt.date(2025, 3, 12)) == []
    ended = timescales.meeting_action_ended(
        home.victim.pk, dt.date(2025, 3, 10), dt.date(2025, 3, 11)
    )
    assert ended is not None and ended.completed

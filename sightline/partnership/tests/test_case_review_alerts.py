"""T7 and T8 as alerts: a notification to the national panel, or a rapid review, overdue raises
`panel-notification-overdue` or `rapid-review-overdue` for the partnership officer, about the
child the incident is linked to; not before the deadline has passed, once only, and closed
by the rules when the work is done."""

import datetime as dt

import pytest
from django.urls import reverse

from sightline.partnership.services import reviews
from sightline.people.services import break_glass_open
from sightline.risk import catalogue, engine
from sightline.risk.models import Alert, AlertOutcome, AlertStatus
from sightline.risk.selectors import alerts_addressed_to
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T09:00:00+00:00")


@pytest.fixture
def baby(agencies):
    return f.child(given_name="Noah", family_name="Testbaby", date_of_birth=dt.date(2025, 1, 2))


@pytest.fixture
def linked_incident(partnership_officer, baby, time_machine):
    time_machine.move_to(at("2025-03-03"))  # a Monday
    break_glass_open(
        actor=partnership_officer, person=baby, reason="Case review subgroup: serious incident"
    )
    return reviews.serious_incident_create(
        actor=partnership_officer,
        summary="Fracture found at the hospital.",
        child=baby,
        aware_on=dt.date(2025, 3, 3),
    )


def test_the_case_review_rules_no_longer_wait_for_records():
    for code in ("panel-notification-overdue", "rapid-review-overdue"):
        rule = catalogue.rule_get(code)
        assert rule.computable and not rule.waits_for


def test_an_overdue_notification_raises_an_alert_the_day_after_it_was_due_and_not_before(
    client, partnership_officer, baby, linked_incident, time_machine
):
    assert linked_incident.notification_due_on == dt.date(2025, 3, 10)
    time_machine.move_to(at("2025-03-10"))  # the due day itself: not yet missed
    engine.timescales_sweep()
    assert not Alert.objects.filter(rule="panel-notification-overdue").exists()

    time_machine.move_to(at("2025-03-11"))
    engine.timescales_sweep()
    engine.timescales_sweep()  # a second sweep raises nothing new
    alert = Alert.objects.get(rule="panel-notification-overdue")
    assert alert.person == baby and alert.status == AlertStatus.OPEN
    assert alert.title == "National panel notification overdue"
    assert dt.date(2025, 3, 11) == alert.raised_at.astimezone(engine.LONDON).date()
    assert "role:partnership_officer" in alert.audience
    # The officer's break-glass grant to the child has lapsed, so the alert is not in their
    # inbox; the partnership's overview lists it beside the incident it is about.
    assert list(alerts_addressed_to(partnership_officer)) == []
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:overview")).content.decode()
    assert "National panel notification overdue" in page and "11 March 2025" in page
    assert linked_incident.reference in page
    assert [i.rule for i in engine.compute() if i.person_id == baby.pk] == [
        "panel-notification-overdue"
    ]

    time_machine.move_to(at("2025-03-12"))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=linked_incident, notified_on=dt.date(2025, 3, 12)
    )
    engine.timescales_sweep()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.outcome == AlertOutcome.ACTION_TAKEN
    assert "the national panel was notified" in alert.note
    assert Alert.objects.filter(rule="panel-notification-overdue").count() == 1


def test_a_notification_on_time_raises_nothing(partnership_officer, linked_incident, time_machine):
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=linked_incident, notified_on=dt.date(2025, 3, 3)
    )
    time_machine.move_to(at("2025-03-20"))
    engine.timescales_sweep()
    assert not Alert.objects.filter(rule="panel-notification-overdue").exists()


def test_a_rapid_review_overdue_raises_an_alert_after_15_working_days_and_not_before(
    partnership_officer, baby, linked_incident, time_machine
):
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=linked_incident, notified_on=dt.date(2025, 3, 3)
    )
    time_machine.move_to(at("2025-03-24"))  # the due day: 15 working days after 3 March
    engine.timescales_sweep()
    assert not Alert.objects.filter(rule="rapid-review-overdue").exists()

    # Not opened in Sightline yet: still due 15 working days after the notification.
    time_machine.move_to(at("2025-03-25"))
    engine.timescales_sweep()
    alert = Alert.objects.get(rule="rapid-review-overdue")
    assert alert.person == baby and alert.title == "Rapid review overdue"

    review = reviews.rapid_review_start(actor=partnership_officer, incident=linked_incident)
    assert review.due_on == dt.date(2025, 3, 24)
    time_machine.move_to(at("2025-03-27"))
    reviews.rapid_review_decide(
        actor=partnership_officer,
        rapid_review=review,
        meeting_on=dt.date(2025, 3, 27),
        decision="no_practice_review",
        rationale="The learning is already in hand through the neglect strategy.",
    )
    engine.timescales_sweep()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert "the rapid review reached its decision" in alert.note

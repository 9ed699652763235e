"""Case review timescales T7, T8 and T9 across weekends and bank holidays."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.core.dates import add_months
from sightline.partnership.deadlines import practice_review_publication_due
from sightline.partnership.services import reviews

pytestmark = pytest.mark.django_db


def test_the_panel_must_be_told_within_5_working_days_skipping_the_may_bank_holiday(
    partnership_officer,
):
    incident = reviews.serious_incident_create(
        actor=partnership_officer,
        summary="Serious injury to a toddler.",
        child_description="Toddler, 2",
        aware_on=dt.date(2025, 4, 30),  # Wednesday; Monday 5 May is a bank holiday
    )
    assert incident.notification_due_on == dt.date(2025, 5, 8)


def test_an_unnotified_incident_is_overdue_the_day_after_its_deadline(
    time_machine, partnership_officer, incident
):
    time_machine.move_to(dt.datetime(2025, 5, 8, 16, 0, tzinfo=dt.UTC))
    assert not incident.notification_overdue(dt.date(2025, 5, 8))
    assert incident.notification_overdue(dt.date(2025, 5, 9))


def test_a_notification_after_the_deadline_is_marked_late(
    time_machine, partnership_officer, incident
):
    time_machine.move_to(dt.datetime(2025, 5, 12, 10, 0, tzinfo=dt.UTC))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 9)
    )
    incident.refresh_from_db()
    assert incident.notified_late


def test_a_rapid_review_is_due_15_working_days_after_a_notification_over_christmas(
    time_machine, partnership_officer
):
    time_machine.move_to(dt.datetime(2025, 12, 18, 12, 0, tzinfo=dt.UTC))
    incident = reviews.serious_incident_create(
        actor=partnership_officer,
        summary="A child was found with burns.",
        child_description="Child, 4",
        aware_on=dt.date(2025, 12, 16),
        notified_on=dt.date(2025, 12, 18),  # Thursday; 25, 26 Dec and 1 Jan are bank holidays
    )
    review = reviews.rapid_review_start(actor=partnership_officer, incident=incident)
    assert review.due_on == dt.date(2026, 1, 13)
    assert not review.overdue(dt.date(2026, 1, 13))
    assert review.overdue(dt.date(2026, 1, 14))


def test_a_rapid_review_cannot_start_before_the_panel_is_notified(partnership_officer, incident):
    with pytest.raises(ValidationError, match="Record the notification to the national panel"):
        reviews.rapid_review_start(actor=partnership_officer, incident=incident)


def test_a_practice_review_is_due_for_publication_6_months_after_the_decision(settings):
    assert practice_review_publication_due(dt.date(2025, 3, 14)) == dt.date(2025, 9, 14)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    settings.PRACTICE_REVIEW_PUBLICATION_MONTHS = 9
    assert practice_review_publication_due(dt.date(2025, 3, 14)) == dt.date(2025, 12, 14)


def test_an_unpublished_practice_review_is_overdue_after_6_months(partnership_officer):
    review = reviews.practice_review_create(
        actor=partnership_officer, title="Child P", decided_on=dt.date(2024, 1, 10)
    )
    assert review.publication_due_on == dt.date(2024, 7, 10)
    assert review.publication_overdue(dt.date(2024, 7, 11))
    assert not review.publication_overdue(dt.date(2024, 7, 10))


def test_publication_needs_the_final_report_and_a_learning_brief(partnership_officer):
    review = reviews.practice_review_create(
        actor=partnership_officer, title="Child P", decided_on=dt.date(2024, 1, 10)
    )
    with pytest.raises(ValidationError) as error:
        reviews.practice_review_update(
            actor=partnership_officer, review=review, published_on=dt.date(2024, 6, 1)
        )
    assert "Record the final report" in str(error.value)
    assert "learning brief" in str(error.value)


def test_it_refuses_a_review_published_before_its_final_report(partnership_officer):
    with pytest.raises(ValidationError) as error:
        reviews.practice_review_create(
            actor=partnership_officer,
            title="Child Q",
            decided_on=dt.date(2025, 1, 10),
            final_report_on=dt.date(2025, 6, 20),
            published_on=dt.date(2025, 6, 1),
            learning_brief="Brief.",
        )
    assert "before its final report" in error.value.message_dict["published_on"][0]


def test_it_refuses_a_panel_response_dated_before_the_decision(
    time_machine, partnership_officer, incident
):
    time_machine.move_to(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    review = reviews.rapid_review_start(actor=partnership_officer, incident=incident)
    reviews.rapid_review_decide(
        actor=partnership_officer,
        rapid_review=review,
        meeting_on=dt.date(2025, 5, 20),
        decision="no_practice_review",
        rationale="The learning is already in the thematic plan.",
    )
    with pytest.raises(ValidationError) as error:
        reviews.rapid_review_record_panel_response(
            actor=partnership_officer,
            rapid_review=review,
            response="Agreed.",
            responded_on=dt.date(2025, 5, 19),
        )
    assert (
        "on or after the rapid review's decision"
        in (error.value.message_dict["panel_responded_on"][0])
    )

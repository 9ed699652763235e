"""A session's trainer is a Sightline user (beside any free-text name) who takes its register;
a non-attendance charge is invoiced, then paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.learning.models import NonAttendanceCharge, TrainingSession
from sightline.learning.services import (
    attendance_record,
    booking_create,
    charge_invoice,
    charge_mark_paid,
)
from sightline.learning.tests.conftest import after_session

pytestmark = pytest.mark.django_db


def test_the_session_form_names_a_sightline_user_as_trainer_who_then_takes_the_register(
    client, on_monday, partnership_officer, course, trainer, health_visitor
):
    client.force_login(partnership_officer)
    response = client.post(
        reverse("learning:session-new", args=[course.pk]),
        {
            "date_day": "11",
            "date_month": "3",
            "date_year": "2027",
            "start_time": "09:30",
            "end_time": "12:30",
            "venue": "Town Hall",
            "capacity": "10",
            "trainer": str(trainer.pk),
            "trainer_name": "Willow T (guest trainer)",
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = TrainingSession.objects.get()
    assert session.trainer == trainer and session.trainer_name == "Willow T (guest trainer)"
    booking = booking_create(actor=health_visitor, session=session, confidence_before=2)

    client.force_login(trainer)
    led = client.get(reverse("learning:my-bookings")).content.decode()
    assert reverse("learning:register", args=[session.pk]) in led
    after_session(on_monday, session)
    client.force_login(trainer)  # a new day: signed in again
    response = client.post(
        reverse("learning:register", args=[session.pk]),
        {f"attendance_{booking.pk}": "attended"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:register", args=[session.pk])
    booking.refresh_from_db()
    assert booking.attendance == "attended" and booking.attendance_recorded_by == trainer


def test_someone_not_the_trainer_cannot_take_the_register(client, session, health_visitor):
    client.force_login(health_visitor)
    assert client.get(reverse("learning:register", args=[session.pk])).status_code == 403


@pytest.fixture
def charge(session, health_visitor, partnership_officer, on_monday, settings):
    settings.TRAINING_NON_ATTENDANCE_CHARGE = 1234.5
    booking = booking_create(actor=health_visitor, session=session, confidence_before=2)
    after_session(on_monday, session)
    attendance_record(
        actor=partnership_officer, session=session, marks={booking.pk: "did_not_attend"}
    )
    return NonAttendanceCharge.objects.get(booking=booking)


def test_a_charge_is_invoiced_then_paid_with_money_shown_in_pounds_and_pence(
    client, charge, partnership_officer
):
    assert charge.amount == Decimal("1234.50")
    client.force_login(partnership_officer)
    page = client.get(reverse("learning:charges")).content.decode()
    assert "£1,234.50" in page and "To invoice" in page
    with pytest.raises(ValidationError, match="Record the invoice before the payment"):
        charge_mark_paid(actor=partnership_officer, charge=charge, paid_on=dt.date(2027, 3, 11))
    response = client.post(
        reverse("learning:charge-invoice", args=[charge.pk]),
        {
            "invoice_reference": "INV-2027-0042",
            "invoiced_on_day": "11",
            "invoiced_on_month": "3",
            "invoiced_on_year": "2027",
        },
    )
    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.status == "invoiced" and charge.invoice_reference == "INV-2027-0042"
    with pytest.raises(ValidationError) as error:
        charge_mark_paid(actor=partnership_officer, charge=charge, paid_on=dt.date(2027, 3, 10))
    assert "on or after the invoice" in error.value.message_dict["paid_on"][0]
    charge_mark_paid(actor=partnership_officer, charge=charge, paid_on=dt.date(2027, 3, 11))
    charge.refresh_from_db()
    assert charge.status == "paid"
    assert AuditEntry.objects.filter(action="training_charge.paid").exists()
    page = client.get(reverse("learning:charges")).content.decode()
    assert "Paid" in page and "INV-2027-0042" in page
    with pytest.raises(ValidationError):
        charge_invoice(
            actor=partnership_officer,
            charge=charge,
            invoice_reference="INV-2",
            invoiced_on=dt.date(2027, 3, 11),
        )


def test_an_invoice_needs_its_number_and_shows_every_error_at_once(
    client, charge, partnership_officer
):
    client.force_login(partnership_officer)
    response = client.post(reverse("learning:charge-invoice", args=[charge.pk]), {})
    page = response.content.decode()
    assert "Enter the invoice number from the finance system" in page
    assert page.count("govuk-error-message") >= 2


def test_only_the_programmes_managers_invoice(charge, health_visitor):
    with pytest.raises(PermissionDenied):
        charge_invoice(
            actor=health_visitor,
            charge=charge,
            invoice_reference="INV-1",
            invoiced_on=dt.date(2027, 3, 11),
        )


def test_a_register_correction_leaves_an_invoiced_charge_invoiced(
    charge, partnership_officer, session
):
    charge_invoice(
        actor=partnership_officer,
        charge=charge,
        invoice_reference="INV-7",
        invoiced_on=dt.date(2027, 3, 11),
    )
    attendance_record(
        actor=partnership_officer, session=session, marks={charge.booking_id: "cancelled_late"}
    )
    charge.refresh_from_db()
    assert charge.status == "invoiced"

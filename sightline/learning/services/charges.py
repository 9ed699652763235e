"""A non-attendance charge's life after it is raised: invoiced to the agency, then paid.

To invoice -> invoiced (with the finance system's reference and date) -> paid (with the date
the money arrived). A charge withdrawn (the register was corrected) is never invoiced; one
invoiced or paid is no longer changed by a correction to the register (a credit note is the
finance team's business).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.learning.models import NonAttendanceCharge

Status = NonAttendanceCharge.Status


def _locked(actor: Any, charge: NonAttendanceCharge) -> NonAttendanceCharge:
    if not actor.has_perm("learning.view_charges"):
        raise PermissionDenied("Only the training programme's managers invoice charges.")
    return NonAttendanceCharge.objects.select_for_update().get(pk=charge.pk)


def charge_invoice_problems(
    *,
    charge: NonAttendanceCharge,
    invoice_reference: str | None = None,
    invoiced_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the charge cannot be invoiced as given (None: nothing wrong). One invoice
    is sent to one agency: a number already used for another agency's charge is refused."""
    problems = Problems()
    if charge.status != Status.OUTSTANDING:
        problems.add(
            None,
            f"This charge is {charge.get_status_display().lower()}: only a charge to invoice "
            "can be invoiced",
        )
    reference = (invoice_reference or "").strip()
    if not reference:
        problems.add("invoice_reference", "Enter the invoice number from the finance system")
    else:
        other = (
            NonAttendanceCharge.objects.filter(invoice_reference__iexact=reference)
            .exclude(agency_id=charge.agency_id)
            .select_related("agency")
            .first()
        )
        if other is not None:
            problems.add(
                "invoice_reference",
                f"Invoice {reference} was sent to {other.agency}: enter this charge's own "
                "invoice number",
            )
    raised = timezone.localtime(charge.created_at).date()
    if invoiced_on is None:
        problems.add("invoiced_on", "Enter the date invoiced")
    elif invoiced_on > timezone.localdate():
        problems.add("invoiced_on", "The invoice date must be today or in the past")
    elif invoiced_on < raised:
        problems.add(
            "invoiced_on",
            f"The invoice date must be on or after the charge was raised, on {raised:%-d %B %Y}",
        )
    return problems.error()


def charge_paid_problems(
    *, charge: NonAttendanceCharge, paid_on: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the payment cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    if charge.status != Status.INVOICED:
        problems.add(None, "Record the invoice before the payment")
    if paid_on is None:
        problems.add("paid_on", "Enter the date paid")
    elif paid_on > timezone.localdate():
        problems.add("paid_on", "The payment date must be today or in the past")
    elif charge.invoiced_on and paid_on < charge.invoiced_on:
        problems.add(
            "paid_on",
            f"The payment must be on or after the invoice ({charge.invoiced_on:%-d %B %Y})",
        )
    return problems.error()


@transaction.atomic
def charge_invoice(
    *, actor: Any, charge: NonAttendanceCharge, invoice_reference: str, invoiced_on: dt.date
) -> NonAttendanceCharge:
    charge = _locked(actor, charge)
    refuse(
        charge_invoice_problems(
            charge=charge, invoice_reference=invoice_reference, invoiced_on=invoiced_on
        )
    )
    charge.status = Status.INVOICED
    charge.invoice_reference = invoice_reference.strip()
    charge.invoiced_on = invoiced_on
    charge.save(update_fields=["status", "invoice_reference", "invoiced_on"])
    audit.record_change(
        actor=actor,
        action="training_charge.invoiced",
        target=charge,
        detail={"invoice": charge.invoice_reference, "invoiced_on": invoiced_on},
    )
    return charge


@transaction.atomic
def charge_mark_paid(
    *, actor: Any, charge: NonAttendanceCharge, paid_on: dt.date
) -> NonAttendanceCharge:
    charge = _locked(actor, charge)
    refuse(charge_paid_problems(charge=charge, paid_on=paid_on))
    charge.status, charge.paid_on = Status.PAID, paid_on
    charge.save(update_fields=["status", "paid_on"])
    audit.record_change(
        actor=actor, action="training_charge.paid", target=charge, detail={"paid_on": paid_on}
    )
    return charge

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
from sightline.learning.models import NonAttendanceCharge

Status = NonAttendanceCharge.Status


def _locked(actor: Any, charge: NonAttendanceCharge) -> NonAttendanceCharge:
    if not actor.has_perm("learning.view_charges"):
        raise PermissionDenied("Only the training programme's managers invoice charges.")
    return NonAttendanceCharge.objects.select_for_update().get(pk=charge.pk)


@transaction.atomic
def charge_invoice(
    *, actor: Any, charge: NonAttendanceCharge, invoice_reference: str, invoiced_on: dt.date
) -> NonAttendanceCharge:
    charge = _locked(actor, charge)
    if charge.status != Status.OUTSTANDING:
        raise ValidationError(
            f"This charge is {charge.get_status_display().lower()}: only a charge to invoice "
            "can be invoiced"
        )
    errors = {}
    if not invoice_reference.strip():
        errors["invoice_reference"] = "Enter the invoice number from the finance system"
    if invoiced_on and invoiced_on > timezone.localdate():
        errors["invoiced_on"] = "The invoice date must be today or in the past"
    elif invoiced_on and invoiced_on < timezone.localtime(charge.created_at).date():
        errors["invoiced_on"] = "The invoice date must be on or after the charge was raised"
    if errors:
        raise ValidationError(errors)
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
    if charge.status != Status.INVOICED:
        raise ValidationError("Record the invoice before the payment")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The payment date must be today or in the past"})
    if charge.invoiced_on and paid_on < charge.invoiced_on:
        raise ValidationError(
            {
                "paid_on": "The payment must be on or after the invoice "
                f"({charge.invoiced_on:%-d %B %Y})"
            }
        )
    charge.status, charge.paid_on = Status.PAID, paid_on
    charge.save(update_fields=["status", "paid_on"])
    audit.record_change(
        actor=actor, action="training_charge.paid", target=charge, detail={"paid_on": paid_on}
    )
    return charge

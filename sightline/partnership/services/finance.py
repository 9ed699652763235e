"""The partnership's finances: contributions by statutory partner and spending by heading.
Recording a line again for the same partner or heading corrects it (the audit trail keeps the
old amount)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.partnership.models import Contribution, FinancialYear, Spending
from sightline.partnership.services.reviews import _require_manager


def _check_amount(amount: Decimal | None) -> Decimal:
    if amount is None:
        raise ValidationError({"amount": "Enter the amount in pounds"})
    if amount < 0:
        raise ValidationError({"amount": "The amount must be £0 or more"})
    return amount


@transaction.atomic
def financial_year_create(*, actor: User, start_year: int | None, notes: str = "") -> FinancialYear:
    _require_manager(actor)
    if start_year is None or not 2000 <= start_year <= 2100:
        raise ValidationError({"start_year": "Enter the year the financial year starts in"})
    if FinancialYear.objects.filter(start_year=start_year).exists():
        raise ValidationError({"start_year": "This financial year is already recorded"})
    year = FinancialYear.objects.create(start_year=start_year, notes=notes.strip())
    audit.record_change(actor=actor, action="finance.year_created", target=year)
    return year


@transaction.atomic
def contribution_record(
    *, actor: User, year: FinancialYear, partner: Agency | None, amount: Decimal | None
) -> Contribution:
    _require_manager(actor)
    if partner is None:
        raise ValidationError({"partner": "Choose the statutory partner"})
    amount = _check_amount(amount)
    line = Contribution.objects.filter(year=year, partner=partner).first()
    before = line.amount if line else None
    if line is None:
        line = Contribution.objects.create(
            year=year, partner=partner, amount=amount, recorded_by=actor
        )
    else:
        line.amount, line.recorded_by = amount, actor
        line.save(update_fields=["amount", "recorded_by"])
    audit.record_change(
        actor=actor,
        action="finance.contribution_recorded",
        target=line,
        detail={"year": str(year), "partner": partner.code, "amount": amount, "before": before},
    )
    return line


@transaction.atomic
def spending_record(
    *, actor: User, year: FinancialYear, heading: str, amount: Decimal | None
) -> Spending:
    _require_manager(actor)
    if not heading.strip():
        raise ValidationError({"heading": "Enter the spending heading, for example Staffing"})
    amount = _check_amount(amount)
    line = Spending.objects.filter(year=year, heading__iexact=heading.strip()).first()
    before = line.amount if line else None
    if line is None:
        line = Spending.objects.create(
            year=year, heading=heading.strip(), amount=amount, recorded_by=actor
        )
    else:
        line.amount, line.recorded_by = amount, actor
        line.save(update_fields=["amount", "recorded_by"])
    audit.record_change(
        actor=actor,
        action="finance.spending_recorded",
        target=line,
        detail={"year": str(year), "heading": line.heading, "amount": amount, "before": before},
    )
    return line

"""The partnership's finances: contributions by statutory partner and spending by heading.
Recording a line again for the same partner or heading corrects it (the audit trail keeps the
old amount)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import Contribution, FinancialYear, Spending
from sightline.partnership.services.reviews import _require_manager


def _amount_problems(problems: Problems, amount: Decimal | None) -> None:
    if amount is None:
        problems.add("amount", "Enter the amount in pounds")
    elif amount < 0:
        problems.add("amount", "The amount must be £0 or more")


def financial_year_problems(
    *, start_year: int | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the financial year cannot be added (None: nothing wrong)."""
    problems = Problems()
    if start_year is None:
        problems.add("start_year", "Enter the year the financial year starts in")
    elif not 2000 <= start_year <= 2100:
        problems.add("start_year", "The year the financial year starts in must be 2000 to 2100")
    elif FinancialYear.objects.filter(start_year=start_year).exists():
        problems.add("start_year", "This financial year is already recorded")
    return problems.error()


@transaction.atomic
def financial_year_create(*, actor: User, start_year: int | None, notes: str = "") -> FinancialYear:
    _require_manager(actor)
    refuse(financial_year_problems(start_year=start_year))
    assert start_year is not None
    year = FinancialYear.objects.create(start_year=start_year, notes=notes.strip())
    audit.record_change(actor=actor, action="finance.year_created", target=year)
    return year


def contribution_problems(
    *, partner: Agency | None = None, amount: Decimal | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason a partner's contribution cannot be recorded (None: nothing wrong)."""
    problems = Problems()
    if partner is None:
        problems.add("partner", "Choose the statutory partner")
    _amount_problems(problems, amount)
    return problems.error()


@transaction.atomic
def contribution_record(
    *, actor: User, year: FinancialYear, partner: Agency | None, amount: Decimal | None
) -> Contribution:
    _require_manager(actor)
    refuse(contribution_problems(partner=partner, amount=amount))
    assert partner is not None and amount is not None
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


def spending_problems(
    *, heading: str | None = None, amount: Decimal | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason spending cannot be recorded under a heading (None: nothing wrong)."""
    problems = Problems()
    if not (heading or "").strip():
        problems.add("heading", "Enter the spending heading, for example Staffing")
    _amount_problems(problems, amount)
    return problems.error()


@transaction.atomic
def spending_record(
    *, actor: User, year: FinancialYear, heading: str, amount: Decimal | None
) -> Spending:
    _require_manager(actor)
    refuse(spending_problems(heading=heading, amount=amount))
    assert amount is not None
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

"""Words instead of codes on pages: audit actions and money (CONVENTIONS.md, "Pages people
can trust")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import template

from sightline.core.audit_words import action_words
from sightline.core.templatetags.govuk_dates import local

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """'person.access_trail_viewed' -> 'Looked at who has seen the record'."""
    return action_words(code or "")


@register.filter
def pounds(value: object) -> str:
    """'£1,234.56' for an amount in pounds (pence kept; a negative amount as '-£12.50')."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def code_words(code: str) -> str:
    """'escalation_resolved' -> 'Escalation resolved', for a code without its own label."""
    words = str(code or "").replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


_LEADING_CODE = re.compile(r"^(?:[A-Z]{0,3}\d{1,2}[A-Z]?)\s+(?=\S)")


@register.filter
def without_code(label: str) -> str:
    """A census choice's label without its code: 'RC8 Case closed after assessment' -> 'Case
    closed after assessment', 'N1 Abuse or neglect' -> 'Abuse or neglect'."""
    return _LEADING_CODE.sub("", str(label or ""))


MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.filter
def govuk_date(value: object) -> str:
    """'12 May 2017' for a date, a datetime (in local time) or an ISO date kept as text (in a
    snapshot or a form's answers); anything else as it is."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            return value
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = local(value)
    if isinstance(value, dt.date):
        return f"{value.day} {MONTH_NAMES[value.month]} {value.year}"
    return str(value)

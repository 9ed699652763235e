"""Words instead of codes on pages: audit actions and money (CONVENTIONS.md, "Pages people
can trust")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import template

from sightline.core.audit_words import action_words

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

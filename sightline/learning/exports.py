"""CSV and XLSX downloads of the charges list and the attendance reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from sightline.core.exports import FORMATS, table_download
from sightline.learning.models import NonAttendanceCharge

__all__ = ["CHARGE_HEADERS", "FORMATS", "charge_rows", "table_response"]


def table_response(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    filename: str,
    actor: Any,
    action: str,
) -> HttpResponse:
    """A download of one table, recorded in the audit trail as an export."""
    return table_download(
        actor=actor,
        action=action,
        title=title,
        filename=filename,
        headers=headers,
        rows=rows,
        fmt=fmt,
    )


CHARGE_HEADERS = [
    "Agency",
    "Attendee",
    "Course",
    "Session date",
    "Reason",
    "Amount (£)",
    "Status",
    "Charge raised",
]


def charge_rows(charges: Iterable[NonAttendanceCharge]) -> list[list[Any]]:
    return [
        [
            charge.agency.name,
            charge.booking.attendee.get_full_name() or charge.booking.attendee.username,
            charge.booking.session.course.title,
            timezone.localtime(charge.booking.session.starts_at).strftime("%d/%m/%Y"),
            charge.get_reason_display(),
            charge.amount,
            charge.get_status_display(),
            timezone.localtime(charge.created_at).strftime("%d/%m/%Y"),
        ]
        for charge in charges
    ]

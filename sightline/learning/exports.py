"""CSV and XLSX downloads of the charges list and the attendance reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from sightline.core import audit
from sightline.learning.models import NonAttendanceCharge

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any, fmt: str) -> Any:
    """Money as a number in a spreadsheet, and with its pence in a CSV file."""
    if isinstance(value, Decimal):
        return float(value) if fmt == "xlsx" else f"{value:.2f}"
    return value


def _safe_text(value: Any) -> Any:
    """Stop a spreadsheet reading a typed-in value (a name, a course title) as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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
    rows = [[_safe_text(_cell(value, fmt)) for value in row] for row in rows]
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = title[:31]
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    audit.record(
        actor=actor,
        kind=audit.Kind.EXPORT,
        action=action,
        detail={"format": fmt, "rows": len(rows), "title": title},
    )
    return response


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

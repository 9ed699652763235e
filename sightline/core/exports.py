"""Table downloads (CSV and XLSX) for any list a user may export, recorded as exports.

Every export of a list goes through `table_download`, so each one is guarded against
spreadsheet formula injection, formats dates and money the same way, and writes one EXPORT
entry in the audit trail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from sightline.core import audit
from sightline.core.text import without_control_characters

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any, fmt: str) -> Any:
    """A value as it should stand in a cell: no formulas from typed-in text; money and dates
    as numbers and dates in a spreadsheet, as plain text in a CSV file; no control characters
    (a spreadsheet file cannot hold them)."""
    if isinstance(value, Decimal):
        return float(value) if fmt == "xlsx" else f"{value:.2f}"
    if isinstance(value, dt.date) and fmt == "csv":
        return value.isoformat()
    if isinstance(value, str):
        value = without_control_characters(value)
        if value[:1] in _FORMULA_STARTS:
            return "'" + value
    return value


def table_download(
    *,
    actor: Any,
    action: str,
    title: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """One table as a CSV or XLSX download, recorded in the audit trail as an export."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    cells = [[safe_cell(value, fmt) for value in row] for row in rows]
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = title[:31]
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in cells:
            sheet.append(row)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(cells)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    audit.record(
        actor=actor,
        kind=audit.Kind.EXPORT,
        action=action,
        detail={"format": fmt, "rows": len(cells), "title": title, **(detail or {})},
    )
    return response

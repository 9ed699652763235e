"""The action plan and the recommendations as CSV, XLSX and PDF (the printable page's own
template, rendered by WeasyPrint). Each export is recorded on the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Font

from sightline.core import audit
from sightline.partnership.models import Action, Recommendation

ACTION_COLUMNS = [
    "Theme",
    "Source",
    "Recommendation",
    "Action",
    "Owner",
    "Lead person",
    "Due",
    "Status",
    "Overdue",
    "Completion evidence",
    "Impact evidence",
    "Impact",
    "Impact signed off by",
]
RECOMMENDATION_COLUMNS = [
    "Source type",
    "Source",
    "Number",
    "Recommendation",
    "Addressed to",
    "Themes",
    "Actions",
    "Actions achieved",
]


def action_rows(actions: Iterable[Action], today: dt.date) -> list[list[object]]:
    rows: list[list[object]] = []
    for action in actions:
        themes = "; ".join(theme.name for theme in action.recommendation.themes.all())
        rows.append(
            [
                themes,
                action.recommendation.get_source_display(),
                str(action.recommendation),
                action.description,
                action.owner,
                action.lead_person,
                action.due_on,
                action.get_status_display(),
                "Yes" if action.overdue(today) else "No",
                action.completion_evidence,
                action.impact_evidence,
                action.get_impact_assessment_display(),
                str(action.impact_signed_off_by or ""),
            ]
        )
    return rows


def recommendation_rows(recommendations: Iterable[Recommendation]) -> list[list[object]]:
    rows: list[list[object]] = []
    for recommendation in recommendations:
        actions = list(recommendation.actions.all())
        rows.append(
            [
                recommendation.get_source_display(),
                recommendation.source_reference,
                recommendation.number,
                recommendation.text,
                recommendation.addressed_to,
                "; ".join(theme.name for theme in recommendation.themes.all()),
                len(actions),
                sum(1 for action in actions if action.status == "achieved"),
            ]
        )
    return rows


def _safe(value: object) -> object:
    """Spreadsheet formula injection guard: text starting with = + - @ is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(filename: str, columns: Sequence[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [value.isoformat() if isinstance(value, dt.date) else _safe(value) for value in row]
        )
    return response


def as_xlsx(
    filename: str, title: str, columns: Sequence[str], rows: list[list[object]]
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(
    *,
    user: object,
    what: str,
    fmt: str,
    columns: Sequence[str],
    rows: list[list[object]],
    filters: dict[str, object],
) -> HttpResponse:
    audit.record(
        actor=user,
        kind=audit.Kind.EXPORT,
        action=f"partnership.{what}_exported",
        detail={"format": fmt, "rows": len(rows), "filters": filters},
    )
    filename = f"{what.replace('_', '-')}-{dt.date.today():%Y-%m-%d}"
    if fmt == "xlsx":
        return as_xlsx(filename, what.replace("_", " ").title(), columns, rows)
    return as_csv(filename, columns, rows)


def action_plan_pdf(context: dict[str, object]) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow and pages rarely need it

    html = render_to_string("partnership/action_plan_pdf.html", context)
    return HTML(string=html).write_pdf()

"""The action plan and the recommendations as CSV, XLSX and PDF, and every partnership PDF
(the action plan, a subgroup's summary: each its printable page's own template, rendered by
WeasyPrint). Each export is recorded on the audit trail. Withdrawn actions are listed, with
the reason, but not counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from sightline.core import audit
from sightline.core.exports import table_download
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
    "Withdrawn because",
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
    "Withdrawn because",
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
                action.withdrawal_reason if action.withdrawn else "",
            ]
        )
    return rows


def recommendation_rows(recommendations: Iterable[Recommendation]) -> list[list[object]]:
    rows: list[list[object]] = []
    for recommendation in recommendations:
        actions = [action for action in recommendation.actions.all() if not action.withdrawn]
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
                recommendation.withdrawal_reason if recommendation.withdrawn else "",
            ]
        )
    return rows


def export(
    *,
    user: object,
    what: str,
    fmt: str,
    columns: Sequence[str],
    rows: list[list[object]],
    filters: dict[str, object],
) -> HttpResponse:
    return table_download(
        actor=user,
        action=f"partnership.{what}_exported",
        title=what.replace("_", " ").title(),
        filename=what.replace("_", "-"),
        headers=columns,
        rows=rows,
        fmt=fmt,
        detail={"filters": {key: str(value) for key, value in filters.items()}},
    )


def pdf_download(
    *,
    user: Any,
    what: str,
    template: str,
    context: dict[str, Any],
    filename: str,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """A partnership document as PDF: its page's own template (which extends
    `partnership/pdf_base.html`), rendered by WeasyPrint, the export on the audit trail."""
    from weasyprint import HTML  # imported here: loading Pango is slow and pages rarely need it

    audit.record(
        actor=user,
        kind=audit.Kind.EXPORT,
        action=f"partnership.{what}_exported",
        detail={"format": "pdf", **(detail or {})},
    )
    html = render_to_string(template, {**context, "partnership_name": settings.PARTNERSHIP_NAME})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response

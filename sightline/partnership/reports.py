"""The action plan and the recommendations as CSV, XLSX and PDF (the printable page's own
template, rendered by WeasyPrint). Each export is recorded on the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.template.loader import render_to_string

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


def action_plan_pdf(context: dict[str, object]) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow and pages rarely need it

    html = render_to_string("partnership/action_plan_pdf.html", context)
    return HTML(string=html).write_pdf()

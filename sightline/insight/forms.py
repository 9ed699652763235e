"""Choosing what to download: the census year, the Annex A date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from sightline.core.forms import GovukDateField, GovukForm


def census_year_choices(today: dt.date) -> list[tuple[str, str]]:
    latest = today.year if today.month >= 4 else today.year - 1
    return [(str(y), f"1 April {y} to 31 March {y + 1}") for y in range(latest, latest - 6, -1)]


class CensusYearForm(GovukForm):
    year = forms.ChoiceField(label="Census year", choices=())

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = census_year_choices(today)
        field = self.fields["year"]
        field.choices = choices  # type: ignore[attr-defined]
        field.initial = choices[1][0] if today.month < 7 else choices[0][0]


class AnnexAForm(GovukForm):
    date_from = GovukDateField(label="From", help_text="For example, 1 4 2025")
    date_to = GovukDateField(label="To", help_text="For example, 31 3 2026")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

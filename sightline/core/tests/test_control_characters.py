"""Control characters: stripped from typed text, cleaned from exports (XLSX cannot hold them)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django import forms
from django.urls import reverse
from openpyxl import load_workbook

from sightline.core.exports import safe_cell
from sightline.core.forms import GovukForm
from sightline.partnership.services import risk

pytestmark = pytest.mark.django_db
PASTED = "Police\x0b attended\x00 twice;\tsee notes\nfor detail\x1f."


class NoteForm(GovukForm):
    note = forms.CharField(widget=forms.Textarea)


def test_a_form_strips_control_characters_but_keeps_tabs_and_line_breaks():
    form = NoteForm({"note": PASTED})
    assert form.is_valid()
    assert form.cleaned_data["note"] == "Police attended twice;\tsee notes\nfor detail."


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_cell_never_carries_a_control_character(fmt):
    assert safe_cell(PASTED, fmt) == "Police attended twice;\tsee notes\nfor detail."
    assert safe_cell("\x0b=SUM(A1)", fmt) == "'=SUM(A1)"  # and cleaning never lets a formula in


def test_the_risk_log_exports_as_xlsx_with_a_control_character_in_a_record(
    client, partnership_officer, agencies
):
    risk.risk_log_entry_create(
        actor=partnership_officer,
        against_agency=agencies["police"],
        concern="Referrals\x0b are late.",
        assurance_requested="A report.",
        assurance_due_on=dt.date(2030, 1, 1),
    )
    client.force_login(partnership_officer)
    response = client.get(reverse("partnership:risks"), {"format": "xlsx"})
    assert response.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.values for c in row]
    assert "Referrals are late." in cells

"""The filters of a person's chronology (a GET form: agency, type of event, dates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sightline.accounts.models import Agency
from sightline.core.forms import GovukDateField, GovukForm
from sightline.people.forms import explain_missing_date_parts


class TimelineFilterForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="All agencies",
        to_field_name="code",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    type = forms.ChoiceField(
        label="Type of event",
        required=False,
        error_messages={"invalid_choice": "Choose a type of event from the list"},
    )
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2024")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2025")

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[int, str, str]],
        types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        """`agencies` are (id, code, name) in the order to offer them, `types` (value, label).

        The agency list is given rather than read, so rendering the form reads nothing; only
        a submitted agency is looked up (and must be one of those offered).
        """
        super().__init__(*args, **kwargs)
        explain_missing_date_parts(self)
        agency = self.fields["agency"]
        agency.queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[agency_id for agency_id, _, _ in agencies]
        )
        agency.choices = [  # type: ignore[attr-defined]
            ("", agency.empty_label),  # type: ignore[attr-defined]
            *((code, name) for _, code, name in agencies),
        ]
        self.fields["type"].choices = [("", "All types"), *types]  # type: ignore[attr-defined]
        for name in ("agency", "type"):
            self.fields[name].widget.template_name = "govuk/widgets/select.html"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", ValidationError("The 'to' date must be on or after the 'from' date")
            )
        return cleaned

    @property
    def filters(self) -> dict[str, Any]:
        """The filters that are valid (an invalid one is ignored and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ("agency", "type", "date_from", "date_to")
            if self.cleaned_data.get(name)
        }

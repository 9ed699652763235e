"""The review decision form."""

from __future__ import annotations

from django import forms

from sightline.core.forms import GovukForm


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            ("link", "Yes, the same person: link them"),
            ("keep_apart", "No, different people: keep them apart"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same person"},
    )
    note = forms.CharField(
        label="Why (optional)",
        help_text="What you checked, for whoever reviews this decision later",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UndoForm(GovukForm):
    pass

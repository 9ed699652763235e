"""Forms for closing an alert, changing a rule's thresholds and recording a DASH checklist."""

from __future__ import annotations

from typing import Any

from django import forms

from sightline.core.forms import GovukForm
from sightline.risk.catalogue import Rule
from sightline.risk.models import AlertOutcome, DashLevel
from sightline.risk.services import CLOSING_OUTCOMES, DASH_QUESTIONS


class AlertCloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What was done?",
        choices=[(o.value, o.label) for o in AlertOutcome if o in CLOSING_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was done about this alert"},
    )
    note = forms.CharField(
        label="Note",
        help_text="What was done, by whom, or why nothing was needed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note saying what was done, or why nothing was needed"},
    )


class RuleSettingForm(GovukForm):
    enabled = forms.BooleanField(label="This rule raises alerts", required=False)

    def __init__(self, *args: Any, rule: Rule, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        for name, default in rule.defaults.items():
            label = name.replace("_", " ").capitalize()
            if isinstance(default, list):
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=f"Codes separated by spaces. Default: {' '.join(default)}",
                    initial=" ".join(current.get(name, default)),
                    widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=1,
                    help_text=f"Default: {default}",
                    initial=current.get(name, default),
                    widget=forms.TextInput(
                        attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}
                    ),
                    error_messages={
                        "required": f"Enter {label.lower()}",
                        "invalid": f"{label} must be a whole number",
                    },
                )

    def parameters(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.rule.defaults}


class DashForm(GovukForm):
    yes = forms.MultipleChoiceField(
        label="Which questions were answered yes?",
        help_text="Tick every question of the SafeLives DASH checklist answered yes. "
        "Leave the others unticked.",
        choices=[(str(n), f"Question {n}") for n in range(1, DASH_QUESTIONS + 1)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    level = forms.ChoiceField(
        label="Risk level after professional judgement (optional)",
        help_text="Leave as counted unless your judgement raises the level. "
        "It can never be lower than the count's level.",
        choices=[("", "As counted")] + [(lv.value, lv.label) for lv in DashLevel],
        required=False,
    )
    judgement = forms.CharField(
        label="Why your judgement raises the level",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def answers(self) -> list[bool]:
        chosen = {int(n) for n in self.cleaned_data.get("yes", [])}
        return [n in chosen for n in range(1, DASH_QUESTIONS + 1)]

"""Template helpers for GOV.UK markup."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

from sightline.core.forms import GovukDateWidget

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    return field.field.widget.__class__.__name__.lower()


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Render the widget, adding the error modifier class and the aria links to hint and error."""
    attrs: dict[str, str | bool] = {}
    css = field.field.widget.attrs.get("class", "")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        for base in ("govuk-input", "govuk-textarea", "govuk-select"):
            if css.split(" ")[:1] == [base]:
                attrs["class"] = f"{css} {base}--error"
        if isinstance(field.field.widget, GovukDateWidget):
            attrs["data-error"] = True  # the widget marks each of its inputs
    if described and widget_type(field) not in {
        "radioselect",
        "checkboxselectmultiple",
        "govukdatewidget",
    }:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id of the first input of a field, for the error summary's link."""
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return widget.id_for_label(field.auto_id)  # the day: id_date_of_birth_day
    if isinstance(widget, forms.MultiWidget | forms.RadioSelect):
        return f"{field.auto_id}_0"  # Django numbers the inputs of both from 0
    return field.auto_id


@register.inclusion_tag("govuk/tag.html")
def status_tag(text: str, colour: str = "") -> dict[str, str]:
    return {"text": text, "colour": colour}

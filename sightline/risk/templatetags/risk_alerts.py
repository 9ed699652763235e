"""`{% person_alerts person as alerts %}`: the alert panels registered with the chronology
(`chronology.panels.alerts_for`) for the signed-in user, on the person page."""

from __future__ import annotations

from typing import Any

from django import template

from sightline.chronology.panels import AlertItem, alerts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def person_alerts(context: dict[str, Any], person: Any) -> list[AlertItem]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or person is None:
        return []
    return alerts_for(user=user, person=person)

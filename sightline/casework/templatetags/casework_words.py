"""Census codes in words on casework pages ("2A" reads "Schools")."""

from __future__ import annotations

from django import template

from sightline.casework.services.episodes import REFERRAL_SOURCES

register = template.Library()


@register.filter
def referral_source(code: str) -> str:
    """The DfE referral source in words, never its code."""
    return REFERRAL_SOURCES.get(str(code or ""), "not recorded")

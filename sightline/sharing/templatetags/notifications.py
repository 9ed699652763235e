"""The header's count of unread notifications."""

from __future__ import annotations

from django import template

from sightline.accounts.models import User
from sightline.sharing.network.selectors import unread_count

register = template.Library()


@register.simple_tag
def notifications_unread(user: User) -> int:
    return unread_count(user=user)

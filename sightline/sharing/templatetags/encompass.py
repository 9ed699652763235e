"""The Operation Encompass notice behind a notification, for its page."""

from __future__ import annotations

from django import template

from sightline.accounts.models import User
from sightline.sharing.encompass.models import EncompassNotice
from sightline.sharing.encompass.selectors import notice_of
from sightline.sharing.models import NetworkNotification

register = template.Library()


@register.simple_tag
def encompass_notice(user: User, notification: NetworkNotification) -> EncompassNotice | None:
    return notice_of(user=user, notification=notification)

"""The case review timescales of DOMAIN.md section 2.

T7: notify the national panel within 5 working days of becoming aware.
T8: complete the rapid review within 15 working days of the notification.
T9: publish a local practice review within 6 months of the decision to hold it (LOCAL:
    PRACTICE_REVIEW_PUBLICATION_MONTHS, default 6, because the 2023 text is unverified).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from sightline.core.dates import add_months
from sightline.core.working_days import add_working_days

PANEL_NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
DEFAULT_PUBLICATION_MONTHS = 6


def panel_notification_due(aware_on: dt.date) -> dt.date:
    return add_working_days(aware_on, PANEL_NOTIFICATION_WORKING_DAYS)


def rapid_review_due(notified_on: dt.date) -> dt.date:
    return add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def publication_months() -> int:
    return int(getattr(settings, "PRACTICE_REVIEW_PUBLICATION_MONTHS", DEFAULT_PUBLICATION_MONTHS))


def practice_review_publication_due(decided_on: dt.date) -> dt.date:
    return add_months(decided_on, publication_months())

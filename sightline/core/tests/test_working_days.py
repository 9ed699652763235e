import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sightline.core.working_days import (
    add_working_days,
    add_working_hours,
    is_working_day,
    working_day_deadline,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2025, 5, 3))  # Saturday
    assert not is_working_day(dt.date(2025, 5, 5))  # Early May bank holiday
    assert not is_working_day(dt.date(2025, 12, 25))
    assert not is_working_day(dt.date(2025, 12, 26))
    assert not is_working_day(dt.date(2025, 4, 18))  # Good Friday
    assert not is_working_day(dt.date(2025, 4, 21))  # Easter Monday
    assert is_working_day(dt.date(2025, 5, 6))


def test_a_contact_received_on_the_friday_before_a_bank_holiday_is_due_on_tuesday():
    received = dt.datetime(2025, 5, 2, 18, 30, tzinfo=LONDON)
    assert working_day_deadline(received, 1).date() == dt.date(2025, 5, 6)


def test_a_contact_received_on_christmas_eve_is_due_on_the_29th():
    received = dt.datetime(2025, 12, 24, 10, 0, tzinfo=LONDON)
    assert working_day_deadline(received, 1).date() == dt.date(2025, 12, 29)


def test_a_saturday_contact_is_due_by_the_end_of_monday():
    due = working_day_deadline(dt.datetime(2025, 6, 14, 11, 0, tzinfo=LONDON), 1)
    assert due == dt.datetime(2025, 6, 16, 23, 59, 59, tzinfo=LONDON)


def test_forty_five_working_days_skip_easter():
    assert add_working_days(dt.date(2025, 3, 3), 45) == dt.date(2025, 5, 8)
    assert working_days_between(dt.date(2025, 3, 3), dt.date(2025, 5, 8)) == 45


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (dt.datetime(2025, 6, 16, 10, 0), 4, dt.datetime(2025, 6, 16, 14, 0)),
        (dt.datetime(2025, 6, 16, 15, 0), 4, dt.datetime(2025, 6, 17, 11, 0)),
        (dt.datetime(2025, 5, 2, 15, 30), 4, dt.datetime(2025, 5, 6, 11, 30)),
        (dt.datetime(2025, 6, 14, 9, 0), 4, dt.datetime(2025, 6, 16, 13, 0)),
        (dt.datetime(2025, 6, 16, 7, 0), 4, dt.datetime(2025, 6, 16, 13, 0)),
    ],
)
def test_information_requests_are_due_in_working_hours(start, hours, expected, settings):
    settings.WORKING_DAY_START, settings.WORKING_DAY_END = "09:00", "17:00"
    due = add_working_hours(start.replace(tzinfo=LONDON), hours)
    assert due == expected.replace(tzinfo=LONDON)

"""A controlled clock for replaying a year of history through the real services.

The services stamp what they write with `django.utils.timezone.now()` (audit entries, chronology
`recorded_at`, decisions, `auto_now_add` fields). Loading the demo district calls them with the
clock set to the moment each thing happened, so a contact received last March was recorded,
audited and decided last March, and the audit trail reads in time order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


class DemoClock:
    """A clock that stands still at `moment` until moved, for `with clock.frozen():` blocks."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        # UTC, as Django's own clock gives: a value read back from the database must compare
        # (and hash, in the audit chain) equal to the one written.
        return self.moment

    def move_to(self, moment: dt.datetime) -> None:
        self.moment = moment.astimezone(dt.UTC)


@contextmanager
def clock_set(clock: DemoClock) -> Iterator[DemoClock]:
    """While inside, `timezone.now()` (and `timezone.localdate()`) read `clock`."""
    with mock.patch.object(timezone, "now", clock.now):
        yield clock

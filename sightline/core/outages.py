"""When the database is out of reach: told apart from Sightline's own faults, and waited out.

A database restarting, a network to it down, or on SQLite another writer holding the file past
the wait, is not a bug: a page says the service is unavailable for a minute (503), and a feed
import waits for the database to come back and carries on (`patiently`), rather than stopping
with a traceback.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError

T = TypeVar("T")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error is the database being out of reach (stopped, restarting, the network
    to it down, or on SQLite held by another writer beyond the wait), not a fault of ours."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    text = str(error).lower()
    return isinstance(error, InterfaceError) or any(sign in text for sign in UNAVAILABLE_SIGNS)


UNAVAILABLE_SIGNS = (
    "database is locked",
    "could not connect",
    "connection refused",
    "server closed the connection",
    "connection already closed",
    "terminating connection",
    "the database system is",  # starting up, shutting down, in recovery mode
    "connection timed out",
    "consuming input failed",
    "ssl syscall error",
    "unable to open database file",
    "no connection to the server",
    "connection is closed",
)


class DatabaseAway(Exception):
    """The database stayed out of reach for longer than Sightline waits."""


def patiently(
    work: Callable[[], T],
    *,
    on_wait: Callable[[str], None] | None = None,
    seconds: float | None = None,
) -> T:
    """Do `work` (one whole transaction), and while the database is out of reach, wait with
    growing pauses (1, 2, 4 ... 10 seconds) and do it again, for up to `seconds`
    (`DATABASE_WAIT_SECONDS`, 120 by default). Any other error is raised at once; so is an
    outage inside a transaction the caller holds (the caller's work would be lost in part)."""
    limit = settings.DATABASE_WAIT_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + limit
    pause = 1.0
    while True:
        try:
            return work()
        except (OperationalError, InterfaceError) as error:
            if not database_unavailable(error) or connection.in_atomic_block:
                raise
            if time.monotonic() + pause > deadline:
                raise DatabaseAway(
                    f"The database did not answer for {limit:g} seconds ({first_line(error)})."
                ) from error
            if on_wait is not None:
                on_wait(
                    f"The database is not answering ({first_line(error)}); "
                    f"trying again in {pause:g} seconds."
                )
            with contextlib.suppress(Exception):  # a broken connection may fail to close cleanly
                connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]

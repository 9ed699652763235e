"""Services' transactions: every service is all or nothing, and inside a block that already
is (one feed line), the services it calls share its savepoint instead of adding their own.

A savepoint costs two statements and Django's bookkeeping on the way in and out; a feed line
calls a dozen services. Sharing is safe because nothing inside the block catches a service's
error and goes on: an error leaves the block, whose savepoint rolls the whole line back (and
code that does catch one, in a `transaction.atomic()` of its own, still has that savepoint).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


class _Sharing(threading.local):
    active: bool = False


_sharing = _Sharing()


@contextmanager
def savepoint_shared() -> Iterator[None]:
    """One savepoint for everything inside: `service_atomic` services called here add none.
    An error anywhere inside rolls the whole block back; let it leave the block."""
    with transaction.atomic():
        before, _sharing.active = _sharing.active, True
        try:
            yield
        finally:
            _sharing.active = before


def service_atomic(func: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a service, except inside `savepoint_shared` (no savepoint of
    its own there: the block's savepoint stands for it)."""

    @functools.wraps(func)
    def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(savepoint=not _sharing.active):
            return func(*args, **kwargs)

    return inner

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
    # For each open `savepoint_shared` block, innermost last: what to undo if it rolls back.
    undo: list[list[Callable[[], None]]]

    def __init__(self) -> None:
        self.undo = []


_sharing = _Sharing()


@contextmanager
def savepoint_shared() -> Iterator[None]:
    """One savepoint for everything inside: `service_atomic` services called here add none.
    An error anywhere inside rolls the whole block back; let it leave the block.

    What `on_rollback` registered inside is called when the block rolls back; when the block
    ends without an error, it passes to the block around it (whose rollback undoes it too)."""
    with transaction.atomic():
        before, _sharing.active = _sharing.active, True
        undo: list[Callable[[], None]] = []
        _sharing.undo.append(undo)
        try:
            yield
        except BaseException:
            for callback in reversed(undo):
                callback()
            raise
        else:
            if len(_sharing.undo) > 1:
                _sharing.undo[-2].extend(undo)
        finally:
            _sharing.undo.pop()
            _sharing.active = before


def on_rollback(callback: Callable[[], None]) -> None:
    """Call `callback` if the innermost `savepoint_shared` block around this call rolls back.

    For bookkeeping kept in memory beside the database (entries waiting to be written
    together, a cache of what this transaction wrote): the block's rollback undoes the rows,
    and the callback forgets what described them. Outside such a block nothing is registered:
    there the only rollback is the transaction's own, which ends the caller's block as well
    (`audit.deferred`, `linkage.resolution_session`). Django's `transaction.on_commit` does the
    same for callbacks, but offers no public way to ask which are still waiting.
    """
    if _sharing.undo:
        _sharing.undo[-1].append(callback)


def service_atomic(func: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a service, except inside `savepoint_shared` (no savepoint of
    its own there: the block's savepoint stands for it)."""

    @functools.wraps(func)
    def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(savepoint=not _sharing.active):
            return func(*args, **kwargs)

    return inner

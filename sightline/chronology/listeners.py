"""Listeners for recorded events: how higher layers (risk, sharing) hear about the chronology.

A subscriber registers a callable in its AppConfig.ready; it is called with the event's id
after the recording transaction commits (`listen`), or with a list of event ids
(`listen_batch`).

A bulk writer (a feed import) wraps its work in `batch()`: the events committed inside are
collected and, when the block ends, each batch listener is called once with all of them (so a
person touched by many events of the batch is evaluated once) and each single-event listener
once per event. Outside a batch, a recorded event reaches a batch listener as a list of one.

Entries also move between people: when linkage merges two persons, splits one, or undoes
either, it calls `entries_moved` with the persons concerned, and each listener registered with
`listen_moved` is called with their ids after the transaction commits (the rules evaluate
those people again). The ids published by one transaction reach the listeners together, once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction

log = logging.getLogger(__name__)
_listeners: list[Callable[[int], None]] = []
_batch_listeners: list[Callable[[list[int]], None]] = []
_moved_listeners: list[Callable[[list[int]], None]] = []
_suspended = threading.local()
_batches = threading.local()
_moved = threading.local()


def listen(callback: Callable[[int], None]) -> Callable[[int], None]:
    if callback not in _listeners:
        _listeners.append(callback)
    return callback


def listen_batch(callback: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    """Register a listener called with the ids of the events recorded (once per batch)."""
    if callback not in _batch_listeners:
        _batch_listeners.append(callback)
    return callback


@contextmanager
def suspended() -> Iterator[None]:
    """Record events without telling listeners (a bulk load replays the rules afterwards)."""
    previous = getattr(_suspended, "active", False)
    _suspended.active = True
    try:
        yield
    finally:
        _suspended.active = previous


@contextmanager
def batch() -> Iterator[list[int]]:
    """Collect the events published inside and tell the listeners once, when the block ends.

    Only committed events are published (publishing happens on commit), so the ids collected
    are all on the chronology whatever happens later in the block. Nested batches join the
    outermost one.
    """
    collected: list[int] | None = getattr(_batches, "collected", None)
    if collected is not None:
        yield collected
        return
    collected = []
    _batches.collected = collected
    try:
        yield collected
    finally:
        _batches.collected = None
        _notify(collected)


def publish(event_id: int) -> None:
    if getattr(_suspended, "active", False):
        return
    collected: list[int] | None = getattr(_batches, "collected", None)
    if collected is not None:
        collected.append(event_id)
        return
    _notify([event_id])


def publish_many(event_ids: list[int]) -> None:
    """`publish` for events recorded together."""
    if getattr(_suspended, "active", False):
        return
    collected: list[int] | None = getattr(_batches, "collected", None)
    if collected is not None:
        collected.extend(event_ids)
        return
    _notify(list(event_ids))


def _notify(event_ids: list[int]) -> None:
    if not event_ids:
        return
    for callback in list(_listeners):
        for event_id in event_ids:
            try:
                callback(event_id)
            except Exception:  # a listener's failure must never undo the recorded event
                log.exception("Listener %s failed for event %s", callback, event_id)
    for batch_callback in list(_batch_listeners):
        try:
            batch_callback(list(event_ids))
        except Exception:
            log.exception("Listener %s failed for events %s", batch_callback, event_ids[:20])


def listen_moved(callback: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    """Register a listener called with the ids of persons whose entries moved."""
    if callback not in _moved_listeners:
        _moved_listeners.append(callback)
    return callback


def entries_moved(person_ids: Iterable[int]) -> None:
    """Publish that chronology entries moved between these persons (a merge, a split, the
    undo of either). The listeners hear after the transaction commits; every id published
    before the commit reaches them in one call (a rebuild's thousands of merges make one)."""
    if getattr(_suspended, "active", False):
        return
    pending: set[int] | None = getattr(_moved, "pending", None)
    waiting = transaction.get_connection().run_on_commit
    if pending is None or not any(entry[1] is _moved_publish for entry in waiting):
        # None registered now: what is pending was published by changes rolled back since.
        pending = _moved.pending = set()
    pending.update(person_ids)
    # Registered with every publication: a savepoint rolled back drops its own registration
    # only, and the first to run after the commit tells the listeners of them all.
    transaction.on_commit(_moved_publish)


def _moved_publish() -> None:
    pending: set[int] | None = getattr(_moved, "pending", None)
    if not pending:
        return
    _moved.pending = set()
    person_ids = sorted(pending)
    for callback in list(_moved_listeners):
        try:
            callback(person_ids)
        except Exception:  # a listener's failure must never undo the change
            log.exception("Listener %s failed for persons %s", callback, person_ids[:20])

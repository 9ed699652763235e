"""Listeners for recorded events: how higher layers (risk, sharing) hear about the chronology.

A subscriber registers a callable in its AppConfig.ready; it is called with the event's id
after the recording transaction commits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
_listeners: list[Callable[[int], None]] = []
_suspended = threading.local()


def listen(callback: Callable[[int], None]) -> Callable[[int], None]:
    if callback not in _listeners:
        _listeners.append(callback)
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


def publish(event_id: int) -> None:
    if getattr(_suspended, "active", False):
        return
    for callback in list(_listeners):
        try:
            callback(event_id)
        except Exception:  # a listener's failure must never undo the recorded event
            log.exception("Listener %s failed for event %s", callback, event_id)

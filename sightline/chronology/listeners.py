"""Listeners for recorded events: how higher layers (risk, sharing) hear about the chronology.

A subscriber registers a callable in its AppConfig.ready; it is called with the event's id
after the recording transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)
_listeners: list[Callable[[int], None]] = []


def listen(callback: Callable[[int], None]) -> Callable[[int], None]:
    if callback not in _listeners:
        _listeners.append(callback)
    return callback


def publish(event_id: int) -> None:
    for callback in list(_listeners):
        try:
            callback(event_id)
        except Exception:  # a listener's failure must never undo the recorded event
            log.exception("Listener %s failed for event %s", callback, event_id)

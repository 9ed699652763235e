"""Batches of recorded events: batch listeners hear of them once, after the batch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sightline.chronology import listeners


@pytest.fixture
def heard() -> Iterator[dict[str, list]]:
    calls: dict[str, list] = {"single": [], "batch": []}
    single, batched = list(listeners._listeners), list(listeners._batch_listeners)
    listeners._listeners[:] = [calls["single"].append]
    listeners._batch_listeners[:] = [calls["batch"].append]
    try:
        yield calls
    finally:
        listeners._listeners[:] = single
        listeners._batch_listeners[:] = batched


def test_outside_a_batch_each_event_is_heard_at_once(heard):
    listeners.publish(1)
    listeners.publish(2)
    assert heard == {"single": [1, 2], "batch": [[1], [2]]}


def test_a_batch_is_heard_once_when_it_ends(heard):
    with listeners.batch():
        listeners.publish(1)
        listeners.publish(2)
        with listeners.batch():  # joins the outer batch
            listeners.publish(3)
        assert heard == {"single": [], "batch": []}
    assert heard == {"single": [1, 2, 3], "batch": [[1, 2, 3]]}


def test_an_empty_batch_tells_nobody(heard):
    with listeners.batch():
        pass
    assert heard == {"single": [], "batch": []}


def test_suspended_events_are_not_collected(heard):
    with listeners.batch():
        listeners.publish(1)
        with listeners.suspended():
            listeners.publish(2)
    assert heard["batch"] == [[1]]


def test_a_failing_listener_does_not_stop_the_others(heard):
    def broken(event_ids: list[int]) -> None:
        raise RuntimeError("listener bug")

    listeners._batch_listeners.insert(0, broken)
    with listeners.batch():
        listeners.publish(7)
    assert heard["batch"] == [[7]]

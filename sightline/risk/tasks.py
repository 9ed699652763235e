"""The rules in the worker (`sightline worker`): a feed line no longer waits for its rules.

When a feed batch (or any recorded event) commits, the chronology tells its listeners; the
rules' listener (`events_recorded`) stores the people the events touch as an
`EvaluationRequest` and queues one task for it. When the chronology says its entries moved
between people (a merge, a split, the undo of either, by the review queue, `linkage
rebuild` or an automatic link undone), `entries_moved` does the same for those people. The
task (`rules_evaluate`) evaluates the rule catalogue for them and raises, extends or withdraws
their alerts; the alerts it raises reach the notification hub (`alerts_raised`), whose own
tasks tell the child's network.

Evaluating is idempotent (the stored alerts are brought in step with the chronology), so a
request evaluated twice changes nothing. A task takes its own request and the others waiting
with it, up to `PEOPLE_PER_RUN` people (a worker behind a busy feed catches up in fewer,
larger evaluations), and deletes them in the transaction that evaluates them: a failed
evaluation leaves them waiting for the next task, and `sightline alerts` evaluates whatever is
still waiting before it prints, so its answer never depends on whether a worker has run.

A withdrawal caused by linkage closes the alert with a reason; it is never deleted, since its
people may have been told already.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django_tasks import task

from sightline.core.outages import patiently
from sightline.risk import engine
from sightline.risk.models import EvaluationRequest

log = logging.getLogger(__name__)
Cause = EvaluationRequest.Cause
PEOPLE_PER_RUN = engine.EVALUATE_CHUNK  # people evaluated in one transaction
REQUESTS_PER_RUN = 200  # requests one transaction takes at most
MOVED_NOTE = (
    "Withdrawn by Sightline: the records were merged or split, and the pattern no longer "
    "holds for this person."
)


def evaluation_queue(
    person_ids: Iterable[int],
    *,
    cause: str,
    addresses: Iterable[tuple[str, str]] = (),
) -> EvaluationRequest | None:
    """Store the people to evaluate and queue the task that evaluates them.

    Called by the chronology's listeners, which run after the change has committed. The
    database backend writes the task in the same transaction as the request when there is
    one; should the task be lost, the request still waits (see the module's docstring)."""
    people = sorted(set(person_ids))
    if not people:
        return None
    request = EvaluationRequest.objects.create(
        cause=cause,
        person_ids=people,
        addresses=[list(key) for key in sorted(set(addresses))],
    )
    rules_evaluate.enqueue(request_id=request.pk)
    return request


def events_recorded(event_ids: list[int]) -> None:
    """The chronology's batch listener: one request and one task per committed batch. The
    events are committed already, so a database out of reach just then is waited out
    (`patiently`): their rules must not be lost to it."""

    def store() -> None:
        person_ids, addresses = engine.people_touched(event_ids)
        evaluation_queue(person_ids, cause=Cause.EVENTS, addresses=addresses)

    patiently(store, on_wait=log.warning)


def entries_moved(person_ids: list[int]) -> None:
    """The chronology's listener for entries moved between people (merge, split, undo)."""
    patiently(lambda: evaluation_queue(person_ids, cause=Cause.LINKAGE), on_wait=log.warning)


@task()
def rules_evaluate(request_id: int) -> int:
    """Evaluate the request (and those waiting with it); how many people were evaluated.
    A request another task has evaluated already is done: nothing happens."""
    return evaluations_run(first=request_id)


def evaluations_run(*, first: int | None = None, until_empty: bool = False) -> int:
    """Evaluate waiting requests, `first` among them; with `until_empty`, every request
    waiting, in as many transactions as it takes. How many people were evaluated.

    Should evaluating requests together fail, each is evaluated alone, so one request that
    cannot be evaluated holds up no other: it stays waiting, and the error is raised once the
    others are done (the task is recorded as failed; `sightline alerts` says so)."""
    evaluated = 0
    while True:
        try:
            done, taken = _run_once(first)
        except Exception:
            log.exception("Evaluating the waiting requests together failed; one at a time now")
            ids = [first] if first is not None and not until_empty else _waiting_ids(first)
            return evaluated + _one_at_a_time(ids)
        evaluated += done
        first = None
        if not until_empty or not taken:
            return evaluated


def _waiting_ids(first: int | None) -> list[int]:
    ids = list(EvaluationRequest.objects.order_by("pk").values_list("pk", flat=True))
    return ([first] if first in ids else []) + [pk for pk in ids if pk != first]


def _one_at_a_time(ids: list[int]) -> int:
    evaluated = 0
    failed: list[int] = []
    for pk in ids:
        try:
            evaluated += _run_once(pk, alone=True)[0]
        except Exception:
            log.exception("Evaluation request %s failed; it waits for the next run", pk)
            failed.append(pk)
    if failed:
        raise EvaluationFailed(failed)
    return evaluated


class EvaluationFailed(RuntimeError):
    def __init__(self, request_ids: list[int]) -> None:
        super().__init__(
            f"The rules could not be evaluated for request(s) {request_ids}: they wait for the "
            "next run (see the log for the error)."
        )
        self.request_ids = request_ids


def evaluations_waiting() -> int:
    return EvaluationRequest.objects.count()


def _run_once(first: int | None, *, alone: bool = False) -> tuple[int, int]:
    """One transaction: take requests (oldest first, `first` included when it still waits;
    with `alone`, `first` only), evaluate their people, delete them. Returns (people
    evaluated, requests taken)."""
    with transaction.atomic():
        engine.rules_lock()  # one evaluation at a time: another worker's requests are gone
        waiting = EvaluationRequest.objects.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        taken: list[EvaluationRequest] = []
        if first is not None:
            taken += list(waiting.filter(pk=first))
            if not taken:
                return 0, 0  # evaluated already, with another task's requests
        people: set[int] = {pk for request in taken for pk in request.person_ids}
        others = waiting.exclude(pk=first) if first is not None else waiting
        for request in others[: 0 if alone else REQUESTS_PER_RUN]:
            if taken and len(people | set(request.person_ids)) > PEOPLE_PER_RUN:
                break
            taken.append(request)
            people.update(request.person_ids)
        if not taken:
            return 0, 0
        evaluated = 0
        for cause in (Cause.LINKAGE, Cause.EVENTS):
            requests = [r for r in taken if r.cause == cause]
            evaluated += _evaluate(requests, cause)
        EvaluationRequest.objects.filter(pk__in=[r.pk for r in taken]).delete()
    return evaluated, len(taken)


def _evaluate(requests: list[EvaluationRequest], cause: str) -> int:
    person_ids = sorted({pk for request in requests for pk in request.person_ids})
    addresses = {(key[0], key[1]) for request in requests for key in request.addresses}
    note = MOVED_NOTE if cause == Cause.LINKAGE else None
    for start in range(0, len(person_ids), engine.EVALUATE_CHUNK):
        engine.people_evaluate(
            person_ids[start : start + engine.EVALUATE_CHUNK],
            addresses=addresses,
            withdrawn_note=note,
        )
    return len(person_ids)

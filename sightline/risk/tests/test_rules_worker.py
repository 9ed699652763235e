"""The rules run in the worker: a committed feed batch queues one evaluation of the people it
touches; `sightline alerts` gives the same answer whether the rules ran as the batch
committed (the immediate backend), in a worker run between the import and the listing, or in
no worker yet; evaluating twice changes nothing; a failed evaluation is not lost."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from sightline.core.models import AuditEntry
from sightline.feeds.tests.lines import a_line
from sightline.people.models import Person
from sightline.risk import engine, tasks
from sightline.risk.models import Alert, EvaluationRequest
from sightline.sharing.models import NetworkNotification

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RULES_TASK = "sightline.risk.tasks.rules_evaluate"
# Three incidents in a year with the child present: one cumulative domestic abuse alert.
INCIDENTS = [("DA-1", "2020-03-07"), ("DA-2", "2020-05-07"), ("DA-3", "2020-07-07")]
EXPECTED = [
    (
        "domestic-abuse-cumulative",
        "Poppy Testsmith",
        ["police:DA-1", "police:DA-2", "police:DA-3"],
        "open",
    )
]


@pytest.fixture
def database_tasks(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_TASKS
    # The worker closes stale connections between tasks; in a test that would close the
    # connection holding the test's transaction (on PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def incident(event_id: str, day: str) -> dict[str, object]:
    return a_line(
        event_id=event_id,
        occurred_at=f"{day}T23:10:00+00:00",
        recorded_at=f"{day}T23:50:00+00:00",
    )


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.jsonl"
    lines = [incident(event_id, day) for event_id, day in INCIDENTS]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def import_events(path: Path) -> str:
    out = StringIO()
    call_command("import_events", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def listed() -> list[tuple[str, str, list[str], str]]:
    out = StringIO()
    call_command("alerts", "--format", "json", stdout=out, stderr=StringIO())
    return [
        (row["rule"], row["person"]["name"], row["evidence"], row["status"])
        for row in json.loads(out.getvalue())
    ]


def worker() -> None:
    call_command("worker", "--until-empty")


def test_a_feed_batch_queues_one_evaluation_that_the_worker_runs(
    database_tasks, feed, ifd_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_events(feed)
    # The import did not wait for the rules: nothing raised yet, one request and one task.
    assert "the worker evaluates the rules" in summary
    assert not Alert.objects.exists()
    [request] = EvaluationRequest.objects.all()
    child = Person.objects.get(given_name="Poppy")
    assert request.cause == "events" and child.pk in request.person_ids
    assert DBTaskResult.objects.filter(task_path=RULES_TASK).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    # (In a test the task's commit comes when the capture ends: the hub's task, queued then,
    # needs a second run. A real worker runs it in the same run, as the queue is not empty.)
    worker()
    [alert] = Alert.objects.all()
    assert (alert.rule, alert.person) == ("domestic-abuse-cumulative", child)
    assert not EvaluationRequest.objects.exists()
    # The alert reached the front door through the hub's own task, in the same worker run.
    assert NetworkNotification.objects.filter(recipient=ifd_manager, alert_id=alert.pk).exists()
    assert not DBTaskResult.objects.ready().exists()


@pytest.mark.parametrize("how", ["immediate", "worker between", "no worker"])
def test_import_events_then_alerts_lists_the_same_alerts_however_the_rules_ran(
    how, settings, monkeypatch, feed, agencies, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(  # (see `database_tasks`)
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    if how != "immediate":
        settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        import_events(feed)
    if how == "worker between":
        with django_capture_on_commit_callbacks(execute=True):
            worker()
    with django_capture_on_commit_callbacks(execute=True):
        assert listed() == EXPECTED
    assert not EvaluationRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        worker()  # a task whose request `alerts` evaluated already does nothing
        assert listed() == EXPECTED


def _state() -> list[tuple[object, ...]]:
    return sorted(
        (a.pk, a.rule, a.person_id, a.status, a.updated_at, tuple(a.evidence.values_list("pk")))
        for a in Alert.objects.all()
    )


def test_evaluating_the_same_people_twice_changes_nothing(
    feed, agencies, ifd_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_events(feed)
    before = (
        _state(),
        AuditEntry.objects.count(),
        NetworkNotification.objects.count(),
    )
    assert before[0] and before[2]
    people = list(Person.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        request = tasks.evaluation_queue(people, cause="events")
        assert request is not None
        tasks.rules_evaluate.call(request_id=request.pk)  # a second task for the same request
        tasks.evaluation_queue(people, cause="linkage")
    after = (_state(), AuditEntry.objects.count(), NetworkNotification.objects.count())
    assert after == before
    assert not EvaluationRequest.objects.exists()


def test_a_failed_evaluation_waits_for_the_next_run_and_nothing_is_lost(
    database_tasks, feed, agencies, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_events(feed)
    real = engine.people_evaluate

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(engine, "people_evaluate", broken)
    worker()
    assert DBTaskResult.objects.filter(task_path=RULES_TASK, status="FAILED").count() == 1
    assert EvaluationRequest.objects.count() == 1 and not Alert.objects.exists()
    monkeypatch.setattr(engine, "people_evaluate", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert listed() == EXPECTED


def test_requests_waiting_together_are_evaluated_in_one_run(
    database_tasks, agencies, tmp_path, django_capture_on_commit_callbacks
):
    # Three batches (three imports) queue three tasks; the first task a worker runs takes
    # all three requests, and the other two find nothing left to do.
    for event_id, day in INCIDENTS:
        path = tmp_path / f"{event_id}.jsonl"
        path.write_text(json.dumps(incident(event_id, day)))
        with django_capture_on_commit_callbacks(execute=True):
            import_events(path)
    assert EvaluationRequest.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    people = sorted(
        DBTaskResult.objects.filter(task_path=RULES_TASK).values_list("return_value", flat=True)
    )
    assert people == [0, 0, 3]  # the child and the two adults, evaluated once
    assert [a.rule for a in Alert.objects.all()] == ["domestic-abuse-cumulative"]


def test_a_request_that_cannot_be_evaluated_holds_up_no_other(
    database_tasks, agencies, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from sightline.testing import factories as f

    stuck = f.child(given_name="Ada", family_name="Teststuck")
    real = engine.people_evaluate

    def fails_for_one(person_ids, **kwargs):  # type: ignore[no-untyped-def]
        if stuck.pk in person_ids:
            raise RuntimeError("a bug in one rule for one person")
        return real(person_ids, **kwargs)

    monkeypatch.setattr(engine, "people_evaluate", fails_for_one)
    tasks.evaluation_queue([stuck.pk], cause="events")  # the oldest request: taken first
    path = tmp_path / "incidents.jsonl"
    path.write_text("".join(json.dumps(incident(*i)) + "\n" for i in INCIDENTS))
    with django_capture_on_commit_callbacks(execute=True):
        import_events(path)
    with django_capture_on_commit_callbacks(execute=True):
        worker()
    # The feed's request was evaluated by its own task; the stuck one waits, its task failed.
    assert [a.rule for a in Alert.objects.all()] == ["domestic-abuse-cumulative"]
    [waiting] = EvaluationRequest.objects.all()
    assert waiting.person_ids == [stuck.pk]
    assert DBTaskResult.objects.filter(task_path=RULES_TASK, status="FAILED").count() == 1
    out = StringIO()
    with pytest.raises(CommandError, match="could not be evaluated"):
        call_command("alerts", "--format", "json", stdout=out, stderr=StringIO())
    assert [row["rule"] for row in json.loads(out.getvalue())] == ["domestic-abuse-cumulative"]

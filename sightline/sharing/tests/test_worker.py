"""The worker: deliveries run as django-tasks in the database, each message claimed before it
is sent (two workers never send it twice), a failed send retried with back-off, and shown to
the recipient after the last try. And `sightline notifications --format json`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from sightline.core.models import Notification
from sightline.core.notifications import MAX_ATTEMPTS, notifications_claim
from sightline.core.tests.test_notification_outbox import FAILING, WORKING
from sightline.sharing.models import NetworkNotification
from sightline.sharing.network.services import network_notify
from sightline.sharing.tests.hub import network

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings, agencies, django_capture_on_commit_callbacks, monkeypatch):  # type: ignore[no-untyped-def]
    """A notification to the lead social worker, its e-mail queued as a task in the database."""
    settings.TASKS = DATABASE_TASKS
    # The worker closes stale connections between tasks; in a test that would close the
    # connection holding the test's transaction (on PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    net = network(agencies)
    with django_capture_on_commit_callbacks(execute=True):
        network_notify(kind="address-change", person_ids=[net.child.pk])
    return NetworkNotification.objects.get(recipient=net.worker)


def run_worker() -> None:
    call_command("worker", "--until-empty")


def to_worker() -> list[object]:
    return [m for m in mail.outbox if m.to == ["sw.rowan@example.org"]]


def test_nothing_is_sent_until_a_worker_runs_then_the_queue_is_empty(queued):
    assert to_worker() == [] and queued.delivered_at is None
    run_worker()
    queued.refresh_from_db()
    assert len(to_worker()) == 1 and queued.delivered_at is not None
    assert not DBTaskResult.objects.ready().exists()


def test_two_workers_with_the_same_message_send_it_once(queued):
    # The web process and a cron run both queued it: two tasks for one message.
    from sightline.core.notifications import notification_send

    notification_send.enqueue(notification_id=queued.email_id)
    call_command("worker", "--until-empty")  # the first worker
    call_command("worker", "--until-empty")  # a second, finding the task left over
    assert len(to_worker()) == 1


def test_a_worker_does_not_send_a_message_another_has_claimed(queued):
    held = notifications_claim()  # another worker is sending it at this moment
    assert [n.pk for n in held.notifications if n.pk == queued.email_id]
    run_worker()
    assert to_worker() == []
    assert Notification.objects.get(pk=queued.email_id).status == Notification.Status.SENDING


def test_a_failed_send_is_retried_after_a_back_off(queued, settings, time_machine):
    settings.EMAIL_BACKEND = FAILING
    time_machine.move_to(dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC), tick=False)
    run_worker()
    message = Notification.objects.get(pk=queued.email_id)
    assert message.status == Notification.Status.FAILED and message.attempts == 1
    settings.EMAIL_BACKEND = WORKING
    run_worker()  # the retry waits for its back-off
    assert to_worker() == []
    time_machine.move_to(dt.datetime(2026, 5, 5, 9, 1, 1, tzinfo=dt.UTC), tick=False)
    run_worker()
    assert len(to_worker()) == 1
    assert Notification.objects.get(pk=queued.email_id).status == Notification.Status.SENT


def test_after_the_last_try_the_recipient_is_shown_the_failure(
    queued, settings, time_machine, client
):
    settings.EMAIL_BACKEND = FAILING
    moment = dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC)
    for _ in range(MAX_ATTEMPTS):
        time_machine.move_to(moment, tick=False)
        run_worker()
        moment += dt.timedelta(hours=1)
    message = Notification.objects.get(pk=queued.email_id)
    assert message.attempts == MAX_ATTEMPTS and message.status == Notification.Status.FAILED
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    client.force_login(queued.recipient)
    page = client.get("/notifications/").content.decode()
    assert "We could not e-mail you about this notification" in page


def test_notifications_prints_every_notification_as_json(queued):
    run_worker()
    out = StringIO()
    call_command("notifications", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    mine = next(r for r in rows if r["id"] == queued.pk)
    assert mine["recipient"] == "sw.rowan" and mine["kind"] == "address-change"
    assert mine["person_ids"] == [queued.persons.get().pk]
    assert mine["delivered_at"] is not None and mine["read_at"] is None
    assert dt.datetime.fromisoformat(mine["due_at"]) > dt.datetime.fromisoformat(mine["created_at"])


def test_notifications_since_leaves_out_older_ones(queued):
    out = StringIO()
    call_command("notifications", "--since", "2999-01-01", stdout=out)
    assert json.loads(out.getvalue()) == []

"""Two senders at once (the web process after its commit, `send-notifications` from cron, two
overlapping runs) hand each notification to the mail backend once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, connections

from sightline.core.models import Notification
from sightline.core.notifications import (
    notification_deliver,
    notification_queue,
    notifications_claim,
    notifications_retry,
)

RACING = "sightline.core.tests.test_notification_senders.RacingMailServer"
SLOW = "sightline.core.tests.test_notification_senders.SlowMailServer"


class RacingMailServer(EmailBackend):
    """While the first message is being handed over, another sender gets to work."""

    other_sender: Callable[[], object] | None = None

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        other, RacingMailServer.other_sender = RacingMailServer.other_sender, None
        if other is not None:
            other()
        return super().send_messages(email_messages)


class SlowMailServer(EmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        time.sleep(0.005)
        return super().send_messages(email_messages)


@pytest.fixture(autouse=True)
def _no_other_sender():  # type: ignore[no-untyped-def]
    yield
    RacingMailServer.other_sender = None


def queue_for_cron(count: int) -> list[Notification]:
    """Messages the web process stored but did not deliver (as if it stopped after commit)."""
    return [
        notification_queue(
            subject=f"Strategy discussion {n} arranged",
            body="Sign in to Sightline to see who is invited.",
            recipient_email=f"team{n}@example.org",
            topic="casework.strategy",
        )
        for n in range(count)
    ]


def send_notifications() -> str:
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_a_second_run_starting_mid_batch_sends_nothing_the_first_run_claimed(settings):
    settings.EMAIL_BACKEND = RACING
    queue_for_cron(3)
    second_run: list[tuple[int, int]] = []
    RacingMailServer.other_sender = lambda: second_run.append(notifications_retry())

    assert send_notifications() == "3 sent, 0 still failing."

    assert second_run == [(0, 0)]  # the whole batch was already claimed by the first run
    assert sorted(m.subject for m in mail.outbox) == [
        "Strategy discussion 0 arranged",
        "Strategy discussion 1 arranged",
        "Strategy discussion 2 arranged",
    ]
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_the_web_process_delivering_while_the_command_sends_the_same_message_sends_it_once(
    settings,
):
    settings.EMAIL_BACKEND = RACING
    [notification] = queue_for_cron(1)
    web_process: list[bool] = []
    RacingMailServer.other_sender = lambda: web_process.append(
        notification_deliver(notification_id=notification.pk)
    )

    assert send_notifications() == "1 sent, 0 still failing."

    assert web_process == [False]  # it found the message claimed and left it alone
    assert [m.to for m in mail.outbox] == [["team0@example.org"]]


@pytest.mark.django_db
def test_two_senders_claiming_the_same_batch_share_it_without_overlap():
    queue_for_cron(5)
    first = notifications_claim(limit=3)
    second = notifications_claim()  # from the start, as a sender that began at the same time
    assert len(first.notifications) == 3
    assert len(second.notifications) == 2
    assert not {n.pk for n in first.notifications} & {n.pk for n in second.notifications}
    assert notifications_claim().notifications == []
    assert all(n.status == Notification.Status.SENDING for n in first.notifications)


@pytest.mark.django_db
def test_a_message_left_sending_by_a_sender_that_stopped_is_sent_after_the_timeout(
    time_machine,
):
    time_machine.move_to("2025-06-02 09:00 +01:00", tick=False)
    [notification] = queue_for_cron(1)
    notifications_claim()  # the sender stops before handing it over
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENDING

    time_machine.move_to("2025-06-02 09:14:59 +01:00", tick=False)
    assert send_notifications() == "0 sent, 0 still failing."
    assert mail.outbox == []

    time_machine.move_to("2025-06-02 09:15:01 +01:00", tick=False)
    assert send_notifications() == "1 sent, 0 still failing."
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)
    assert len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_on_separate_connections_send_each_message_once(settings):
    settings.EMAIL_BACKEND = SLOW
    queued = Notification.objects.bulk_create(  # committed, not yet delivered
        Notification(subject=f"Review {n}", body="Due soon.", recipient_email=f"t{n}@example.org")
        for n in range(40)
    )
    senders = 4
    start = threading.Barrier(senders)
    failures: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait()
            notifications_retry()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    sent = Counter(m.to[0] for m in mail.outbox)
    assert sent == Counter(n.recipient_email for n in queued)  # every one, none twice
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

"""The mail server down, for real: Django's SMTP backend against a port where no server
listens, then against a real SMTP server (aiosmtpd) started on that port. Nothing is lost,
nothing goes twice, and the worker's retry is scheduled with back-off."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from sightline.core.models import Notification
from sightline.core.notifications import back_off, notification_queue, notification_send

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class Received:
    """An SMTP server's handler that keeps what it was sent."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def mail_server_port(settings) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = free_port()
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    yield port


def send_notifications() -> str:
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue().strip()


def test_nothing_is_lost_while_the_mail_server_is_down_and_it_goes_once_when_it_is_back(
    health_visitor, mail_server_port, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            subject="A child you work with was discussed at the front door",
            body="Sign in to Sightline to see the outcome.",
            recipient_user=health_visitor,
            topic="contact.outcome",
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert (
        "refused" in notification.last_error.lower() or "connect" in notification.last_error.lower()
    )
    assert send_notifications() == "0 sent, 1 still failing."

    received = Received()
    server = Controller(received, hostname="127.0.0.1", port=mail_server_port)
    server.start()
    try:
        assert send_notifications() == "1 sent, 0 still failing."
        assert send_notifications() == "0 sent, 0 still failing."
    finally:
        server.stop()

    assert len(received.messages) == 1
    assert b"Subject: A child you work with was discussed at the front door" in received.messages[0]
    assert b"hv.birch@example.org" in received.messages[0]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 3


def test_the_worker_tries_again_later_with_a_longer_wait_each_time(
    health_visitor, mail_server_port, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    notification = notification_queue(
        subject="Sign in to Sightline: a notification is waiting",
        body="Sign in to Sightline.",
        recipient_user=health_visitor,
        topic="network.alert",
    )
    before = timezone.now()
    assert notification_send.call(notification_id=notification.pk) is False

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 1)
    retry = DBTaskResult.objects.get(task_path__endswith="notification_send", status="READY")
    assert retry.args_kwargs["kwargs"] == {"notification_id": notification.pk}
    assert retry.run_after >= before + back_off(1)
    assert back_off(2) == 2 * back_off(1)

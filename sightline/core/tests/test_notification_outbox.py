"""The notification outbox: nothing is lost when mail fails; `send_notifications` retries."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction

from sightline.core.models import Notification
from sightline.core.notifications import notification_queue

FAILING = "sightline.core.tests.test_notification_outbox.UnreachableMailServer"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail relay refused the connection")


def queue(**fields: str) -> Notification:
    return notification_queue(
        subject="A child you work with was discussed at the front door",
        body="Sign in to Sightline to see the outcome.",
        topic="contact.outcome",
        **fields,
    )


def send_notifications() -> str:
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue().strip()


def test_a_notification_is_sent_once_its_transaction_commits(
    health_visitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(recipient_user=health_visitor)
        assert len(mail.outbox) == 0  # not before the commit
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None
    assert mail.outbox[0].to == ["hv.birch@example.org"]


def test_a_failed_delivery_is_marked_failed_and_sent_by_the_next_run(
    health_visitor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(recipient_user=health_visitor)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "refused the connection" in notification.last_error
    assert mail.outbox == []

    assert send_notifications() == "0 sent, 1 still failing."
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 2)

    settings.EMAIL_BACKEND = WORKING
    assert send_notifications() == "1 sent, 0 still failing."
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert (notification.attempts, notification.last_error) == (3, "")
    assert [m.subject for m in mail.outbox] == [notification.subject]

    assert send_notifications() == "0 sent, 0 still failing."
    assert len(mail.outbox) == 1  # never sent twice


def test_a_queued_notification_is_delivered_by_the_command_if_the_process_stopped(
    health_visitor,
):
    notification = queue(recipient_email="safeguarding@example.org")  # on_commit never ran
    assert notification.status == Notification.Status.QUEUED
    assert send_notifications() == "1 sent, 0 still failing."
    assert mail.outbox[0].to == ["safeguarding@example.org"]


def test_a_notification_without_an_email_address_is_kept_for_reading_in_sightline(
    health_visitor, django_capture_on_commit_callbacks
):
    health_visitor.email = ""
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(recipient_user=health_visitor)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert mail.outbox == []


def test_nothing_is_sent_when_the_change_it_announces_is_rolled_back(
    health_visitor, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue(recipient_user=health_visitor)
        raise RuntimeError("the decision failed to save")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []

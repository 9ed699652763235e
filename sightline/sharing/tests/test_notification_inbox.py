"""The notifications inbox: the count in the header, the order, read and acted on."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.core.models import AuditEntry
from sightline.sharing.models import NetworkNotification
from sightline.sharing.network.services import network_notify
from sightline.sharing.tests.hub import network

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(agencies):  # type: ignore[no-untyped-def]
    return network(agencies)


def mine(user):  # type: ignore[no-untyped-def]
    return NetworkNotification.objects.get(recipient=user)


def test_the_header_counts_the_unread_notifications(client, net):
    network_notify(kind="address-change-open-case", person_ids=[net.child.pk])
    network_notify(kind="address-change", person_ids=[net.child.pk])
    client.force_login(net.worker)
    page = client.get("/").content.decode()
    assert 'id="notifications-unread">2<' in page


def test_the_most_urgent_comes_first_then_the_newest(client, net, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    network_notify(kind="address-change", person_ids=[net.child.pk], title="Urgent one")
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC))
    network_notify(kind="was-not-brought", person_ids=[net.child.pk], title="Older routine")
    network_notify(kind="address-change-open-case", person_ids=[net.child.pk], title="Newest")
    client.force_login(net.worker)
    page = client.get("/notifications/").content.decode()
    assert page.index("Urgent one") < page.index("Newest")
    assert "Skye Testnetwork" in page and "Act by" in page and "2 March 2026" in page
    assert "address-change" not in page  # no internal codes
    assert AuditEntry.objects.filter(action="notifications.listed", actor=net.worker).exists()


def test_marking_read_then_acted_on_records_both_and_clears_the_count(client, net):
    network_notify(kind="address-change", person_ids=[net.child.pk])
    notification = mine(net.worker)
    client.force_login(net.worker)
    client.post(f"/notifications/{notification.pk}/read/")
    notification.refresh_from_db()
    assert notification.read_at is not None and notification.acted_at is None
    assert 'id="notifications-unread">0<' in client.get("/").content.decode()
    client.post(f"/notifications/{notification.pk}/acted-on/")
    notification.refresh_from_db()
    assert notification.acted_at is not None
    actions = set(AuditEntry.objects.filter(actor=net.worker).values_list("action", flat=True))
    assert {"notification.read", "notification.acted_on"} <= actions


def test_nobody_else_can_open_or_mark_a_notification(client, net):
    network_notify(kind="address-change", person_ids=[net.child.pk])
    notification = mine(net.worker)
    client.force_login(net.manager)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/acted-on/").status_code == 404
    notification.refresh_from_db()
    assert notification.acted_at is None


def test_opening_a_notification_shows_its_detail_and_is_recorded(client, net):
    network_notify(kind="cpis-lookup", person_ids=[net.child.pk], detail="Attended at 14:05.")
    notification = mine(net.manager)
    client.force_login(net.manager)
    page = client.get(f"/notifications/{notification.pk}/").content.decode()
    assert "Attended at 14:05." in page
    assert AuditEntry.objects.filter(
        action="networknotification.viewed", actor=net.manager
    ).exists()

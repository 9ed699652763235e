"""Sessions end after 30 idle minutes, and after 8 hours however busy the user is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

import sightline.settings as project_settings
from sightline.core.models import AuditEntry
from sightline.testing.factories import PASSWORD

START = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
HOME = "/"


@pytest.fixture
def signed_in(client, police_officer, time_machine):
    time_machine.move_to(START, tick=False)
    response = client.post(
        reverse("accounts:sign-in"), {"username": "pc.ash", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def at(time_machine, minutes: float) -> None:
    time_machine.move_to(START + dt.timedelta(minutes=minutes), tick=False)


def test_the_session_limits_are_set():
    assert project_settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert project_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert project_settings.SESSION_COOKIE_HTTPONLY is True


def test_an_idle_session_is_signed_out_with_a_clear_message(signed_in, time_machine):
    at(time_machine, 31)
    response = signed_in.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next=%2Fpeople%2F"
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used Sightline for 30 minutes" in page
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get(HOME).status_code == 302


def test_the_message_is_shown_once(signed_in, time_machine):
    at(time_machine, 31)
    signed_in.get(HOME)
    signed_in.get(reverse("accounts:sign-in"))
    again = signed_in.get(reverse("accounts:sign-in")).content.decode()
    assert "You were signed out" not in again


def test_an_active_session_is_not_signed_out(signed_in, time_machine):
    for minutes in (20, 40, 60, 80):
        at(time_machine, minutes)
        assert signed_in.get(HOME).status_code == 200


def test_a_session_idle_for_just_under_the_limit_carries_on(signed_in, time_machine):
    at(time_machine, 29.5)
    assert signed_in.get(HOME).status_code == 200


def test_a_busy_session_still_ends_after_eight_hours(signed_in, time_machine):
    minutes = 0
    while minutes + 25 <= 8 * 60:
        minutes += 25
        at(time_machine, minutes)
        assert signed_in.get(HOME).status_code == 200, f"signed out after {minutes} minutes"
    at(time_machine, minutes + 25)
    response = signed_in.get(HOME, follow=True)
    assert "because you had been signed in for 8 hours" in response.content.decode()


def test_the_end_of_a_session_is_in_the_audit_trail(signed_in, time_machine, police_officer):
    at(time_machine, 45)
    signed_in.get(HOME)
    entry = AuditEntry.objects.filter(actor=police_officer).order_by("-id").first()
    assert entry.action == "sign_out.session_expired"
    assert entry.detail == {"reason": "idle"}


def test_after_signing_in_again_the_user_returns_to_their_page(signed_in, time_machine):
    at(time_machine, 31)
    response = signed_in.get("/people/")
    next_url = response["Location"].split("next=")[1]
    again = signed_in.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": "pc.ash", "password": PASSWORD},
    )
    assert again["Location"] == "/people/"

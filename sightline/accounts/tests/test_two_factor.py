"""Two-factor sign-in (TOTP): set-up, codes, and the pages that stay open before it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sightline.accounts.services import (
    two_factor_enrolment_issue,
    two_factor_enrolment_open,
    two_factor_reset,
)
from sightline.core.models import AuditEntry
from sightline.testing.factories import PASSWORD

TWO_FACTOR = "/accounts/two-factor/"
START = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def two_factor_required(settings, time_machine):
    settings.TWO_FACTOR_REQUIRED = True
    time_machine.move_to(START, tick=False)


def code_for(device: TOTPDevice, *, wrong: bool = False) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if wrong:
        value = (value + 1) % 10**device.digits
    return f"{value:0{device.digits}d}"


def sign_in(client, username: str = "pc.ash", **extra: str):
    return client.post(
        reverse("accounts:sign-in"), {"username": username, "password": PASSWORD, **extra}
    )


def set_up_link(user) -> str:
    """The one-time set-up link an administrator gives the user (its path)."""
    return reverse(
        "accounts:two-factor-set-up",
        args=[two_factor_enrolment_issue(actor="administrator", account=user)],
    )


def set_up_device(client, user) -> TOTPDevice:
    link = set_up_link(user)
    client.get(link)
    device = TOTPDevice.objects.get(user=user)
    client.post(link, {"token": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_after_the_password_the_user_is_sent_to_two_factor_sign_in(client, police_officer):
    response = sign_in(client, next="/people/")
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fpeople%2F"


def test_no_other_page_opens_until_two_factor_sign_in_is_passed(client, police_officer):
    sign_in(client)
    response = client.get("/people/?q=ava")
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fpeople%2F%3Fq%3Dava"
    assert client.get(reverse("core:home"))["Location"].startswith(TWO_FACTOR)


def test_the_password_alone_never_sets_up_a_device(client, police_officer):
    sign_in(client)
    page = client.get(TWO_FACTOR)
    body = page.content.decode()
    assert page.status_code == 403
    assert "Ask for a link to set up two-factor sign-in" in body
    assert "<svg" not in body
    assert not TOTPDevice.objects.filter(user=police_officer).exists()
    assert client.post(TWO_FACTOR, {"token": "123456"}).status_code == 403


def test_the_first_time_the_user_sets_up_an_authenticator_app_from_the_link(client, police_officer):
    link = set_up_link(police_officer)
    sign_in(client)
    page = client.get(link)
    body = page.content.decode()
    assert "Set up two-factor sign-in" in body
    assert "<svg" in body  # the QR code
    device = TOTPDevice.objects.get(user=police_officer)
    assert not device.confirmed
    assert page.context["secret"] in body
    client.get(link)
    assert TOTPDevice.objects.filter(user=police_officer).count() == 1  # reused, not piled up


def test_the_set_up_link_names_sightline_and_carries_the_key(police_officer):
    token = two_factor_enrolment_issue(actor="administrator", account=police_officer)
    found = two_factor_enrolment_open(user=police_officer, token=token)
    assert found.config_url.startswith("otpauth://totp/Sightline%3Apc.ash?")
    assert f"secret={found.secret}" in found.config_url
    assert "issuer=Sightline" in found.config_url


def test_the_right_code_confirms_the_device_and_opens_sightline(client, police_officer):
    link = set_up_link(police_officer)
    sign_in(client)
    client.get(link)
    device = TOTPDevice.objects.get(user=police_officer)
    response = client.post(f"{link}?next=/people/", {"token": code_for(device)})
    assert response["Location"] == "/people/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200
    actions = AuditEntry.objects.filter(actor=police_officer).values_list("action", flat=True)
    assert {"two_factor.device_confirmed", "two_factor.verified"} <= set(actions)


def test_a_set_up_link_works_once(client, police_officer):
    link = set_up_link(police_officer)
    sign_in(client)
    set_up = client.get(link)
    assert set_up.status_code == 200
    client.post(link, {"token": code_for(TOTPDevice.objects.get(user=police_officer))})
    assert "This set-up link cannot be used" in client.get(link).content.decode()


def test_a_set_up_link_is_only_for_the_user_it_was_made_for(client, police_officer, health_visitor):
    link = set_up_link(health_visitor)
    sign_in(client)
    assert client.get(link).status_code == 403
    assert not TOTPDevice.objects.filter(user=police_officer).exists()


def test_a_set_up_link_expires(client, police_officer, time_machine, settings):
    link = set_up_link(police_officer)
    time_machine.move_to(
        START + dt.timedelta(hours=settings.TWO_FACTOR_ENROLMENT_HOURS, minutes=1), tick=False
    )
    sign_in(client)
    assert "This set-up link cannot be used" in client.get(link).content.decode()


def test_a_new_link_replaces_an_unused_one(client, police_officer):
    first = set_up_link(police_officer)
    set_up_link(police_officer)
    sign_in(client)
    assert client.get(first).status_code == 403


def test_the_command_prints_a_set_up_link_that_works(client, police_officer):
    out = StringIO()
    call_command("user", "two-factor-link", "pc.ash", stdout=out)
    url = out.getvalue().strip().splitlines()[-1]
    assert url.startswith("http://") and "/accounts/two-factor/set-up/" in url
    sign_in(client)
    assert "Set up two-factor sign-in" in client.get(urlsplit(url).path).content.decode()
    assert AuditEntry.objects.filter(action="two_factor.enrolment_issued").exists()


def test_a_wrong_code_is_refused_with_a_message(client, police_officer):
    link = set_up_link(police_officer)
    sign_in(client)
    client.get(link)
    device = TOTPDevice.objects.get(user=police_officer)
    response = client.post(link, {"token": code_for(device, wrong=True)})
    assert response.status_code == 200
    assert "The security code is wrong or has expired" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("core:home"))["Location"].startswith(TWO_FACTOR)
    assert AuditEntry.objects.filter(actor=police_officer, action="two_factor.failed").exists()


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(client, police_officer):
    link = set_up_link(police_officer)
    sign_in(client)
    response = client.post(link, {"token": "12ab"})
    assert "The security code must be 6 digits" in response.content.decode()


def test_after_a_wrong_code_the_user_must_wait_before_trying_again(
    client, police_officer, time_machine
):
    link = set_up_link(police_officer)
    sign_in(client)
    client.get(link)
    device = TOTPDevice.objects.get(user=police_officer)
    client.post(link, {"token": code_for(device, wrong=True)})
    too_soon = client.post(link, {"token": code_for(device)})
    assert "Too many wrong security codes. Wait 1 second," in too_soon.content.decode()
    time_machine.move_to(START + dt.timedelta(seconds=2), tick=False)
    assert client.post(link, {"token": code_for(device)}).status_code == 302


def test_next_time_the_user_only_enters_a_code(client, police_officer, time_machine):
    sign_in(client)
    device = set_up_device(client, police_officer)
    client.post(reverse("accounts:sign-out"))

    time_machine.move_to(START + dt.timedelta(minutes=5), tick=False)
    sign_in(client)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Enter your security code" in page
    assert "<svg" not in page and device.key not in page  # the key is never shown again
    assert client.post(TWO_FACTOR, {"token": code_for(device)}).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_code_cannot_be_used_twice(client, police_officer):
    sign_in(client)
    device = set_up_device(client, police_officer)
    used = code_for(device)
    client.post(reverse("accounts:sign-out"))
    sign_in(client)
    response = client.post(TWO_FACTOR, {"token": used})
    assert "wrong or has expired" in response.content.decode()


def test_a_reset_lets_a_user_who_lost_their_phone_set_up_again(client, police_officer, ig_officer):
    sign_in(client)
    set_up_device(client, police_officer)
    two_factor_reset(actor=ig_officer, account=police_officer)
    client.post(reverse("accounts:sign-out"))
    sign_in(client)
    assert "Ask for a link to set up" in client.get(TWO_FACTOR).content.decode()
    set_up_device(client, police_officer)
    assert client.get(reverse("core:home")).status_code == 200


def test_the_two_factor_page_needs_a_password_sign_in_first(client, db):
    response = client.get(TWO_FACTOR)
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_user_can_sign_out_before_passing_two_factor(client, police_officer):
    sign_in(client)
    client.post(reverse("accounts:sign-out"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "path", ["/healthz", "/report-a-concern/", "/api/v1/openapi.json", "/accounts/sign-in/"]
)
def test_public_pages_and_the_api_stay_open_before_two_factor(client, police_officer, path):
    sign_in(client)
    response = client.get(path)
    assert response.status_code == 200


def test_without_the_setting_no_second_step_is_asked_for(client, police_officer, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert sign_in(client)["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200

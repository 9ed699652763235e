"""A member of the public's identity is for the front door and children's social care only.

A canary referrer (a name, e-mail address and telephone number nobody else has) reports a
concern about the permission table's child. Every URL of the permission table, the returns
analysts download and the API's documents are then read by every persona: no partner ever
meets the canary, while the front door and social care do (CONVENTIONS.md: "a test plants a
canary value and checks that no other persona ever sees it").
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from sightline.frontdoor.models import InformationRequest
from sightline.frontdoor.services.contacts import contact_create
from sightline.risk.models import Alert
from tests.test_permissions import PERSONAS, TABLE
from tests.test_permissions import world as world  # noqa: F401, PLC0414 (the fixture)

CANARY_NAME = "Quenby Canarywhistle"
CANARY_EMAIL = "quenby.canary@example.org"
CANARY_PHONE = "07700 900461"
CANARIES = (CANARY_NAME, "Canarywhistle", CANARY_EMAIL, CANARY_PHONE)

MAY_KNOW = {"ifd_practitioner", "ifd_manager", "social_worker"}
EXPORTS = [
    "/insight/cin-census/?year=2025",
    "/insight/annex-a/?date_from_day=1&date_from_month=1&date_from_year=2020"
    "&date_to_day=31&date_to_month=12&date_to_year=2030",
    "/api/v1/openapi.json",
]


@pytest.fixture
def canary_world(world, agencies, ifd_practitioner):  # type: ignore[no-untyped-def]  # noqa: F811
    """The permission table's world, with the child's latest contact from the canary."""
    from sightline.people.models import Person

    child = Person.objects.get(pk=world["child"])
    contact = contact_create(
        actor="public",
        channel="public",
        concern="The child next door is left alone at night and cries for hours.",
        urgency="today",
        child=child,
        referrer_name=CANARY_NAME,
        referrer_relationship="acquaintance",
        referrer_email=CANARY_EMAIL,
        referrer_phone=CANARY_PHONE,
    )
    # A partner check about it, so the health visitor opens the canary's contact too.
    request = InformationRequest.objects.create(
        contact=contact,
        agency=agencies["health"],
        question="What do you know of this family?",
        requested_by=ifd_practitioner,
        requested_at=contact.received_at,
        due_at=contact.received_at + dt.timedelta(hours=4),
    )
    alert = Alert.objects.create(
        rule="contacts-without-assessment",
        person=child,
        raised_by=contact.event,
        raised_at=contact.received_at,
        title="Three contacts without an assessment",
        asks_for="IFD manager review",
        recipient_label="IFD manager",
        audience=",role:ifd_manager,role:ifd_practitioner,",
    )
    return {
        **world,
        "contact": contact.pk,
        "reference": contact.reference,
        "request": request.pk,
        "alert": alert.pk,
    }


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """Everything a response says, unzipping a workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode(errors="ignore") for name in archive.namelist()
            )
    return content.decode(errors="ignore")


def _seen(client: Client, ids: dict[str, object]) -> dict[str, list[str]]:
    """Which canary values each URL showed this client."""
    seen = {}
    for url in [pattern.format(**ids) for pattern in TABLE] + EXPORTS:
        text = _text(client.get(url))
        found = [canary for canary in CANARIES if canary in text]
        if found:
            seen[url] = found
    return seen


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in MAY_KNOW])
def test_no_partner_ever_sees_who_referred_a_child_from_the_public(persona, canary_world, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert _seen(client, canary_world) == {}


@pytest.mark.parametrize("persona", sorted(MAY_KNOW))
def test_the_front_door_and_social_care_see_who_referred_on_the_chronology(
    persona, canary_world, request
):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    seen = _seen(client, canary_world)
    child = canary_world["child"]
    assert CANARY_NAME in seen.get(f"/people/{child}/", [])
    assert CANARY_NAME in seen.get(f"/people/{child}/print/", [])
    if persona != "social_worker":
        contact = canary_world["contact"]
        assert set(CANARIES) <= set(seen.get(f"/front-door/contacts/{contact}/", []))


def test_a_partner_reads_the_contact_as_from_a_member_of_the_public(canary_world, health_visitor):
    client = Client()
    client.force_login(health_visitor)
    page = client.get(f"/people/{canary_world['child']}/").content.decode()
    assert "Contact from a member of the public: The child next door" in page
    assert "A member of the public" in page
    assert "acquaintance" not in page.lower()

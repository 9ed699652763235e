"""The risk meeting pages: the permission table (every URL, every persona), the canary for a
victim's safe contact details, every error at once, and the quarterly return with its CSV."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver

from sightline.sharing.meetings import services
from sightline.sharing.meetings.models import ReferralCriterion
from sightline.sharing.tests import meeting_builders as b
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

CANARY = "CANARY-SAFE-07700-900777"

PERSONAS = [
    "anonymous",
    "coordinator",
    "attendee",
    "referrer",
    "police_officer",
    "health_visitor",
    "school_dsl",
    "social_worker",
    "ifd_manager",
    "ig_officer",
    "partnership_officer",
    "analyst",
    "outsider",
]
STAFF = [p for p in PERSONAS if p != "anonymous"]


def row(default, **overrides):  # type: ignore[no-untyped-def]
    outcome = {persona: default for persona in STAFF}
    outcome["anonymous"] = "signin"
    outcome.update(overrides)
    return outcome


COORDINATOR = row(403, coordinator=200)
TABLE = {
    "/meetings/": row(403, coordinator=200, attendee=200),
    "/meetings/dram-agenda/": COORDINATOR,
    "/meetings/new/": COORDINATOR,
    "/meetings/return/": COORDINATOR,
    "/meetings/return/?format=csv": COORDINATOR,
    "/meetings/{meeting}/": row(403, coordinator=200, attendee=200),
    "/meetings/{meeting}/attendees/": COORDINATOR,
    "/meetings/{meeting}/minutes/": COORDINATOR,
    "/meetings/{meeting}/referrals/{referral}/list/": row(405),
    "/meetings/cases/{case}/": COORDINATOR,
    "/meetings/cases/{case}/actions/": COORDINATOR,
    "/meetings/actions/{action}/review/": COORDINATOR,
    "/meetings/referrals/{referral}/": row(403, coordinator=200, attendee=200, referrer=200),
    # Anyone who may see the person may refer them; others are told there is no such person.
    "/meetings/referrals/new/{victim}/marac/": row(
        404, coordinator=200, police_officer=200, referrer=200
    ),
}


@pytest.fixture
def people(agencies, police_officer):  # type: ignore[no-untyped-def]
    return {
        "coordinator": b.coordinator(agencies),
        "attendee": f.user(agencies["health"], "practitioner", "midwife", username="po.aspen"),
        "referrer": f.user(
            agencies["police"], "practitioner", "police_officer", username="pc.referrer"
        ),
    }


@pytest.fixture
def world(agencies, people, police_officer, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(b.at("2025-03-03", "08:00"))
    home = b.Household()
    b.incident(agencies, home, b.at("2025-03-02", "22:00"))
    coordinator = people["coordinator"]
    referral = services.referral_create(
        actor=people["referrer"],
        meeting_kind="marac",
        subject=home.victim,
        criteria=ReferralCriterion.objects.filter(meeting_kind="marac", code="dash"),
        dash_score=16,
        consent="given",
        victim_knows=True,
        safe_contact=CANARY,
        children=[services.ReferredChild(home.child, "victim", "Northmoor Primary")],
    )
    marac = services.risk_meeting_create(
        actor=coordinator, kind="marac", held_on=dt.date(2025, 3, 6), chair=coordinator
    )
    services.attendee_record(
        actor=coordinator,
        meeting=marac,
        agency=agencies["health"],
        name="Aspen Midwife",
        user=people["attendee"],
        present=True,
        confidentiality_accepted=True,
    )
    case = services.referral_list_at(actor=coordinator, meeting=marac, referral=referral)
    b.discuss(case, coordinator, agencies)
    action = services.meeting_action_add(
        actor=coordinator,
        case=case,
        agency=agencies["police"],
        owner=police_officer,
        what="Police marker on the address.",
        protects="victim",
        due_on=dt.date(2025, 3, 10),
    )
    return {
        "meeting": marac.pk,
        "case": case.pk,
        "action": action.pk,
        "referral": referral.pk,
        "victim": home.victim.pk,
        "home": home,
    }


def _client(persona, request, people):  # type: ignore[no-untyped-def]
    client = Client()
    if persona == "anonymous":
        return client
    user = people.get(persona) or request.getfixturevalue(persona)
    client.force_login(user)
    return client


def _outcome(response):  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/"):
        return "signin"
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_meeting_url_answers_every_persona_as_the_table_says(persona, world, people, request):
    client = _client(persona, request, people)
    differences = []
    for pattern, expected in TABLE.items():
        url = pattern.format(**world)
        actual = _outcome(client.get(url))
        if actual != expected[persona]:
            differences.append(f"{url}: expected {expected[persona]}, got {actual}")
    assert not differences, f"{persona}:\n" + "\n".join(differences)


def test_every_meeting_url_is_in_the_table():
    routes = []

    def walk(resolver, prefix):  # type: ignore[no-untyped-def]
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, prefix + str(pattern.pattern))
            else:
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver(), "")
    tabled = set()
    for pattern in TABLE:
        path = pattern.split("?")[0].lstrip("/")
        for name, converter in (
            ("meeting", "<int:meeting_id>"),
            ("referral", "<int:referral_id>"),
            ("case", "<int:case_id>"),
            ("action", "<int:action_id>"),
            ("victim", "<int:person_id>"),
        ):
            path = path.replace("{" + name + "}", converter)
        tabled.add(path.replace("/marac/", "/<slug:kind>/"))
    missing = [r for r in routes if r.startswith("meetings/") and r not in tabled]
    assert not missing, missing


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_and_attendees_ever_see_the_safe_contact_details(
    persona, world, people, request
):
    """The canary: planted in a referral, looked for on every page each persona can open (and
    in their notifications)."""
    client = _client(persona, request, people)
    pages = [p.format(**world) for p in TABLE] + ["/notifications/", "/"]
    pages.append(f"/people/{world['victim']}/")
    seen = [url for url in pages if CANARY in client.get(url).content.decode()]
    if persona in ("coordinator", "attendee"):
        assert seen == [f"/meetings/referrals/{world['referral']}/"]
    else:
        assert seen == []


def test_the_referral_form_shows_every_error_at_once(world, people):
    client = Client()
    client.force_login(people["referrer"])
    dash = ReferralCriterion.objects.get(meeting_kind="marac", code="dash")
    escalation = ReferralCriterion.objects.get(meeting_kind="marac", code="escalation")
    response = client.post(
        f"/meetings/referrals/new/{world['victim']}/marac/",
        {
            "criteria": [dash.pk, escalation.pk],
            "dash_score": "9",
            "incidents_in_12_months": "1",
            "consent": "refused",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "the score is 9" in page
    assert "you entered 1" in page
    assert "Say why the information is shared without consent" in page
    assert "Select whether the victim knows" in page


def test_the_quarterly_return_counts_cases_repeats_and_children(world, people, time_machine):
    client = Client()
    client.force_login(people["coordinator"])
    page = client.get("/meetings/return/?year=2024&quarter=4").content.decode()
    assert "Quarter 4 of 2024 to 25 (1 January 2025 to 31 March 2025)" in page
    assert "214,000" in page
    response = client.get("/meetings/return/?year=2024&quarter=4&format=csv")
    lines = response.content.decode().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Quarter,Cases discussed,Repeat cases")
    # One case, no repeat, one child; 1 / 214,000 adult women x 10,000 = 0.0
    assert lines[1].endswith(",1,0,0,1,214000,0.0")

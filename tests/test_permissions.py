"""The permission table: every URL of the foundation, visited by every persona and by an
anonymous visitor, compared with the outcome written down here (DESIGN.md section 4).

Outcomes: a status code, "signin" (redirected to sign in), "glass" (redirected to give a
reason before opening a record), "person" (sent straight on to the person's page).
The partnership and training areas keep their own tables beside their code; a last test
checks that every URL in the project is covered by one of the tables.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import get_resolver

from sightline.chronology.services import event_record
from sightline.frontdoor.models import Decision, InformationRequest, NeedLevel, Outcome
from sightline.frontdoor.services.contacts import contact_create
from sightline.linkage.changes import person_merge
from sightline.linkage.models import MatchCandidate
from sightline.people.services import involvement_start, source_record_link
from sightline.risk.models import Alert
from sightline.testing import factories as f

PERSONAS = [
    "anonymous",
    "police_officer",
    "health_visitor",
    "school_dsl",
    "social_worker",
    "ifd_practitioner",
    "ifd_manager",
    "ig_officer",
    "partnership_officer",
    "analyst",
    "outsider",
    "unscheduled_care",
]
ALL = dict.fromkeys(PERSONAS)
STAFF = [p for p in PERSONAS if p != "anonymous"]


def row(default, **overrides):  # type: ignore[no-untyped-def]
    """One URL's outcomes: `default` for everyone signed in, anonymous sent to sign in."""
    outcome = {persona: default for persona in STAFF}
    outcome["anonymous"] = "signin"
    outcome.update(overrides)
    return outcome


PUBLIC = dict.fromkeys(PERSONAS, 200)
IFD_ONLY = row(403, ifd_practitioner=200, ifd_manager=200)
DATA_QUALITY = row(403, analyst=200, ig_officer=200)
HAS_RELATIONSHIP = ("ifd_practitioner", "ifd_manager", "social_worker", "health_visitor")
PERSON_PAGE = row("glass", unscheduled_care=404, **dict.fromkeys(HAS_RELATIONSHIP, 200))

TABLE: dict[str, dict[str, object]] = {
    "/": row(200),
    "/healthz": PUBLIC,
    "/accounts/sign-in/": PUBLIC,
    "/accounts/sign-out/": dict.fromkeys(PERSONAS, 405),
    "/accounts/two-factor/": row(200),
    "/people/search/": row(200, unscheduled_care=403),
    "/people/{child}/": PERSON_PAGE,
    "/people/{child}/print/": PERSON_PAGE,
    "/people/{child}/break-glass/": row(
        200, unscheduled_care=404, **dict.fromkeys(HAS_RELATIONSHIP, "person")
    ),
    "/people/{child}/access-trail/": row(403, ig_officer=200),
    "/audit/break-glass/": row(403, ig_officer=200, partnership_officer=200),
    "/report-a-concern/": PUBLIC,
    "/report-a-concern/urgency/": PUBLIC,
    "/report-a-concern/check-your-answers/": dict.fromkeys(PERSONAS, 302),
    "/report-a-concern/sent/": dict.fromkeys(PERSONAS, 302),
    "/front-door/contacts/new/": row(200),
    "/front-door/contacts/new/sent/{reference}/": row(404, police_officer=200),
    "/front-door/": IFD_ONLY,
    "/front-door/contacts/{contact}/": IFD_ONLY,
    # Actions are POST only: a GET is refused after the permission check.
    "/front-door/contacts/{contact}/claim/": row(403, ifd_practitioner=405, ifd_manager=405),
    "/front-door/contacts/{contact}/reassign/": row(403, ifd_practitioner=405, ifd_manager=405),
    # The child is already identified, so the page sends IFD users back to the contact.
    "/front-door/contacts/{contact}/child/": row(403, ifd_practitioner=302, ifd_manager=302),
    "/front-door/contacts/{contact}/information-requests/new/": IFD_ONLY,
    "/front-door/contacts/{contact}/decide/": IFD_ONLY,
    "/front-door/contacts/{awaiting}/authorise/": row(403, ifd_manager=200),
    "/information-requests/": row(200),
    "/information-requests/{request}/": row(404, health_visitor=200),
    "/linkage/review/": DATA_QUALITY,
    "/linkage/review/{candidate}/": DATA_QUALITY,
    "/linkage/merges/": DATA_QUALITY,
    "/linkage/merges/{change}/undo/": row(403, analyst=405, ig_officer=405),
    "/alerts/": row(200, unscheduled_care=403),
    # An alert is seen by whoever may see its child; acting on it is for its audience.
    "/alerts/{alert}/": row(404, unscheduled_care=403, **dict.fromkeys(HAS_RELATIONSHIP, 200)),
    "/alerts/{alert}/acknowledge/": row(405),
    "/alerts/{alert}/close/": row(405),
    "/alerts/rules/": row(403, partnership_officer=200),
    "/alerts/rules/contacts-without-assessment/": row(403, partnership_officer=200),
    # A DASH checklist is recorded by practitioners who may see the incident's people.
    "/alerts/incidents/{incident}/dash/": row(
        404,
        ig_officer=403,
        partnership_officer=403,
        analyst=403,
        unscheduled_care=403,
        **dict.fromkeys(HAS_RELATIONSHIP, 200),
    ),
    "/api/v1/events": dict.fromkeys(PERSONAS, 405),
    "/api/v1/openapi.json": PUBLIC,
    "/api/v1/docs": PUBLIC,
    "/api/v1/contacts": dict.fromkeys(PERSONAS, 405),
}

# URL prefixes whose own permission tables live with their apps.
COVERED_ELSEWHERE = {
    "partnership/": "sightline/partnership/tests (permission table)",
    "training/": "sightline/learning/tests/test_pages.py (permission table)",
}


@pytest.fixture
def world(agencies, police_officer, health_visitor, ifd_practitioner, analyst):  # type: ignore[no-untyped-def]
    child = f.child(given_name="Rowan", family_name="Tablechild", date_of_birth=dt.date(2017, 5, 9))
    involvement_start(
        actor="test",
        person=child,
        agency=agencies["health"],
        role="health visitor",
        user=health_visitor,
    )
    contact = contact_create(
        actor=police_officer,
        channel="practitioner",
        concern="Bruising seen on the child's arm.",
        child=child,
        referrer_user=police_officer,
        referrer_agency=agencies["police"],
        referrer_email=police_officer.email,
    )
    awaiting = contact_create(
        actor=police_officer,
        channel="practitioner",
        concern="A second concern.",
        child=child,
        referrer_user=police_officer,
        referrer_agency=agencies["police"],
    )
    Decision.objects.create(
        contact=awaiting,
        level=NeedLevel.L1,
        outcome=Outcome.NFA,
        rationale="Proposed",
        decided_by=ifd_practitioner,
        decided_at=awaiting.received_at,
        needs_authorisation=True,
    )
    awaiting.status = awaiting.Status.AWAITING_AUTHORISATION
    awaiting.save(update_fields=["status"])
    request = InformationRequest.objects.create(
        contact=contact,
        agency=agencies["health"],
        question="What do you know?",
        requested_by=ifd_practitioner,
        requested_at=contact.received_at,
        due_at=contact.received_at,
    )
    incident = event_record(
        type="domestic_abuse_incident",
        occurred_at=contact.received_at,
        summary="Police attended a domestic incident.",
        source=agencies["police"],
        participants=[(child, "child")],
        recorded_by=police_officer,
        details={"child_present": True, "dash_yes_count": 4, "risk_level": "standard"},
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
    twin = f.child(given_name="Rowen", family_name="Tablechild", date_of_birth=dt.date(2017, 5, 9))
    record = source_record_link(
        actor="test", person=twin, agency=agencies["school"], record_id="SCH-1"
    )
    candidate = MatchCandidate.objects.create(
        record=record, person=twin, candidate=child, match_probability=0.9, match_weight=3.2
    )
    other = f.child(given_name="Merged", family_name="Tablechild")
    change = person_merge(actor="test", survivor=child, merged=other, reason="Same child")
    return {
        "child": child.pk,
        "incident": incident.pk,
        "alert": alert.pk,
        "candidate": candidate.pk,
        "change": change.pk,
        "contact": contact.pk,
        "awaiting": awaiting.pk,
        "reference": contact.reference,
        "request": request.pk,
    }


def outcome_of(response, ids) -> object:  # type: ignore[no-untyped-def]
    if response.status_code == 302:
        target = response["Location"]
        if target.startswith("/accounts/sign-in/"):
            return "signin"
        if "/break-glass/" in target:
            return "glass"
        if target.rstrip("/") == f"/people/{ids['child']}":
            return "person"
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_every_persona_as_the_table_says(persona, world, request):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    differences = []
    for pattern, expected in TABLE.items():
        url = pattern.format(**world)
        actual = outcome_of(client.get(url), world)
        if actual != expected[persona]:
            differences.append(f"{url}: expected {expected[persona]}, got {actual}")
    assert not differences, f"{persona}:\n" + "\n".join(differences)


def _all_routes() -> list[str]:
    routes: list[str] = []

    def walk(resolver, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, prefix + str(pattern.pattern))
            else:
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver(), "")
    return routes


def _table_route(pattern: str) -> str:
    for name, converter in (
        ("incident", "<int:event_id>"),
        ("alert", "<int:alert_id>"),
        ("candidate", "<int:candidate_id>"),
        ("change", "<int:change_id>"),
        ("child", "<int:person_id>"),
        ("contact", "<int:contact_id>"),
        ("awaiting", "<int:contact_id>"),
        ("request", "<int:request_id>"),
        ("reference", "<str:reference>"),
    ):
        pattern = pattern.replace("{" + name + "}", converter)
    return pattern.lstrip("/")


def test_every_url_in_the_project_is_in_a_permission_table():
    tabled = {_table_route(pattern) for pattern in TABLE}
    tabled |= {
        "report-a-concern/<slug:step>/",
        "",
        "api/v1/",
        "alerts/rules/<slug:code>/",
    }  # question pages; API root
    missing = [
        route
        for route in _all_routes()
        if route not in tabled and not route.startswith(tuple(COVERED_ELSEWHERE))
    ]
    assert not missing, "URLs with no permission table:\n" + "\n".join(missing)

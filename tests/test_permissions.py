"""The permission table: every URL of the foundation, visited by every persona and by an
anonymous visitor, compared with the outcome written down here (DESIGN.md section 4).

Outcomes: a status code, "signin" (redirected to sign in), "glass" (redirected to give a
reason before opening a record), "person" (sent straight on to the person's page).
The partnership and training areas keep their own tables beside their code; a last test
checks that every URL in the project is covered by one of the tables.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.urls import get_resolver

from sightline.casework.models import Assessment
from sightline.casework.services.plans import (
    Progress,
    core_group_meeting_record,
    plan_confirm,
    plan_outcome_add,
)
from sightline.casework.services.protection import medical_request
from sightline.casework.tests import test_protection_builders as protection_builders
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
CASEWORK_VIEW = row(403, social_worker=200, ifd_practitioner=200, ifd_manager=200)
CASE_WORK = row(403, social_worker=200)
SOCIAL_CARE = ("social_worker", "ifd_practitioner", "ifd_manager")
PROTECTION = row(403, **dict.fromkeys(SOCIAL_CARE, 200))
PROTECTION_POST = row(403, **dict.fromkeys(SOCIAL_CARE, 405))

TABLE: dict[str, dict[str, object]] = {
    "/": row(200),
    "/healthz": PUBLIC,
    "/accounts/sign-in/": PUBLIC,
    "/accounts/sign-out/": dict.fromkeys(PERSONAS, 405),
    # Nobody in the table has a device: the page asks them for an administrator's set-up link.
    "/accounts/two-factor/": row(403),
    # A link made for nobody in particular, or expired: refused for everyone.
    "/accounts/two-factor/set-up/not-a-real-link/": row(403),
    # Without a right password for a locked account just now: back to sign in.
    "/accounts/unlock/": dict.fromkeys(PERSONAS, "signin"),
    "/people/search/": row(200, unscheduled_care=403),
    "/people/{child}/": PERSON_PAGE,
    "/people/{child}/print/": PERSON_PAGE,
    "/people/{child}/break-glass/": row(
        200, unscheduled_care=404, **dict.fromkeys(HAS_RELATIONSHIP, "person")
    ),
    "/people/{child}/access-trail/": row(403, ig_officer=200),
    "/people/{child}/disabilities/": CASE_WORK,
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
    "/linkage/model/": DATA_QUALITY,
    "/linkage/model/roll-back/": row(403),  # administrators only, and by POST
    "/linkage/review/": DATA_QUALITY,
    "/linkage/review/{candidate}/": DATA_QUALITY,
    "/linkage/review/{candidate}/undo/": row(403, analyst=405, ig_officer=405),
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
    # Child protection and plans: children's social care roles; actions are POST only.
    "/casework/episodes/{episode}/protection/": PROTECTION,
    "/casework/episodes/{episode}/strategy-discussions/new/": PROTECTION,
    "/casework/strategy-discussions/{discussion}/": PROTECTION,
    "/casework/strategy-discussions/{discussion}/s47/new/": PROTECTION,
    "/casework/s47/{s47}/": PROTECTION,
    "/casework/s47/{s47}/complete/": PROTECTION,
    "/casework/s47/{s47}/icpc/new/": PROTECTION,
    "/casework/episodes/{episode}/medicals/new/": PROTECTION,
    "/casework/medicals/{medical}/": PROTECTION,
    "/casework/conferences/{conference}/": PROTECTION,
    "/casework/episodes/{episode}/plans/new/": PROTECTION,
    "/casework/plans/{plan}/": PROTECTION,
    "/casework/plans/{plan}/outcomes/new/": PROTECTION,
    "/casework/plans/{plan}/outcomes/{outcome}/": PROTECTION,
    "/casework/plans/{plan}/outcomes/{outcome}/remove/": PROTECTION_POST,
    "/casework/plans/{plan}/confirm/": PROTECTION_POST,
    "/casework/plans/{plan}/versions/{version}/": PROTECTION,
    "/casework/plans/{plan}/end/": PROTECTION,
    "/casework/plans/{plan}/review-conferences/new/": PROTECTION,
    "/casework/plans/{plan}/core-group/": PROTECTION,
    "/casework/plans/{plan}/core-group/meetings/new/": PROTECTION,
    "/casework/core-group-meetings/{meeting}/": PROTECTION,
    # Casework, episode side: social care sees it; social workers and team managers work
    # cases; the front door may open an episode; team managers authorise and supervise.
    "/casework/referrals/": CASEWORK_VIEW,
    "/casework/team/": CASEWORK_VIEW,
    "/casework/children/{child}/": CASEWORK_VIEW,
    "/casework/children/{child}/episodes/new/": CASEWORK_VIEW,
    "/casework/episodes/{episode}/": CASEWORK_VIEW,
    "/casework/episodes/{episode}/assessments/new/": CASE_WORK,
    "/casework/assessments/{assessment}/": CASEWORK_VIEW,
    "/casework/assessments/{assessment}/complete/": row(403),
    "/casework/episodes/{episode}/visits/new/": CASE_WORK,
    "/casework/episodes/{episode}/supervision/new/": row(403),
    "/casework/episodes/{episode}/transfer/": CASE_WORK,
    "/casework/episodes/{episode}/reallocate/": CASE_WORK,
    "/casework/episodes/{episode}/close/": CASE_WORK,
    # CP-IS style lookup: unscheduled-care clinicians only; the answer page without a lookup
    # in the session goes back to the search.
    "/cp-is/": row(403, unscheduled_care=200),
    "/cp-is/answer/": row(403, unscheduled_care=302),
    "/messages/": row(200),
    # Notifications: each user's own inbox; one notification only for its recipient.
    "/notifications/": row(200),
    "/notifications/{notification}/": row(404, health_visitor=200),
    "/notifications/{notification}/read/": row(405),
    "/notifications/{notification}/acted-on/": row(405),
    # Operation Encompass: the measures for the partnership's roles and analysts; the school
    # calendars (no personal data) for all staff; the acknowledgement is a post.
    "/encompass/": row(403, partnership_officer=200, analyst=200),
    "/encompass/school-calendars/": row(200, unscheduled_care=403),
    "/encompass/notices/{notice}/acknowledge/": row(405),
    "/api/v1/events": dict.fromkeys(PERSONAS, 405),
    "/api/v1/openapi.json": PUBLIC,
    "/api/v1/docs": row(200),  # the interactive docs are for signed-in staff
    "/api/v1/contacts": dict.fromkeys(PERSONAS, 405),
}

# URL prefixes whose own permission tables live with their apps.
COVERED_ELSEWHERE = {
    "partnership/": "sightline/partnership/tests (permission table)",
    "training/": "sightline/learning/tests/test_pages.py (permission table)",
    "insight/": "sightline/insight/tests/test_pages.py (permission table)",
    "meetings/": "sightline/sharing/tests/test_meeting_pages.py (permission table)",
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
    protection = _protection_world(child, agencies)
    assessment = Assessment.objects.create(
        episode_id=protection["episode"],
        start_date=dt.date(2025, 5, 12),
        due_date=dt.date(2025, 7, 15),
        created_by=ifd_practitioner,
    )
    return {
        **protection,
        "child": child.pk,
        "incident": incident.pk,
        "alert": alert.pk,
        "candidate": candidate.pk,
        "change": change.pk,
        "contact": contact.pk,
        "awaiting": awaiting.pk,
        "reference": contact.reference,
        "request": request.pk,
        "assessment": assessment.pk,
        "notification": _notification_for(health_visitor, child),
        "notice": _encompass_notice(incident, child),
    }


def _notification_for(recipient, child) -> int:  # type: ignore[no-untyped-def]
    from sightline.sharing.models import NetworkNotification
    from sightline.sharing.network.audiences import Recipient
    from sightline.sharing.network.services import network_notify

    involvement = [Recipient(recipient, "The child's health visitor")]
    with mock.patch("sightline.sharing.network.services.recipients_for", return_value=involvement):
        network_notify(kind="was-not-brought", person_ids=[child.pk])
    return NetworkNotification.objects.get(recipient=recipient).pk


def _encompass_notice(incident, child) -> int:  # type: ignore[no-untyped-def]
    from sightline.sharing.encompass.models import EncompassNotice

    return EncompassNotice.objects.create(
        event=incident,
        child=child,
        route=EncompassNotice.Route.FRONT_DOOR,
        created_at=incident.occurred_at,
        due_at=incident.occurred_at,
    ).pk


def _protection_world(child, agencies):  # type: ignore[no-untyped-def]
    """An episode through S47, ICPC, a confirmed CP plan, a core group and a medical."""
    worker = f.user(agencies["csc"], "social_worker", username="sw.table")
    episode = protection_builders.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = protection_builders.s47(worker, episode, agencies, dt.date(2025, 6, 2))
    conference = protection_builders.icpc_with_plan(worker, enquiry, agencies, dt.date(2025, 6, 13))
    plan = protection_builders.cp_plan(conference)
    outcome = plan_outcome_add(
        actor=worker,
        plan=plan,
        concern="Missed health appointments.",
        action="Attend every appointment.",
        responsible_person="Sam Parent",
        responsible_agency=agencies["health"],
        by_when=dt.date(2025, 9, 1),
        success_measure="All kept for three months.",
    )
    version = plan_confirm(actor=worker, plan=plan)
    meeting = core_group_meeting_record(
        actor=worker,
        plan=plan,
        meeting_date=dt.date(2025, 6, 20),
        present=list(plan.core_group.all()),
        progress=[Progress(outcome, "on_track", "Appointment kept.")],
    )
    medical = medical_request(
        actor=worker,
        episode=episode,
        requested_at=protection_builders.at_time(dt.date(2025, 6, 2), 12),
        injury="Bruise on the cheek.",
        history="Said to have fallen.",
        parental_responsibility="Mother.",
    )
    return {
        "episode": episode.pk,
        "discussion": enquiry.strategy_discussion_id,
        "s47": enquiry.pk,
        "conference": conference.pk,
        "plan": plan.pk,
        "outcome": outcome.pk,
        "version": version.number,
        "meeting": meeting.pk,
        "medical": medical.pk,
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
        ("episode", "<int:episode_id>"),
        ("assessment", "<int:assessment_id>"),
        ("reference", "<str:reference>"),
        ("episode", "<int:episode_id>"),
        ("discussion", "<int:discussion_id>"),
        ("s47", "<int:s47_id>"),
        ("conference", "<int:conference_id>"),
        ("plan", "<int:plan_id>"),
        ("outcome", "<int:outcome_id>"),
        ("version", "<int:number>"),
        ("meeting", "<int:meeting_id>"),
        ("medical", "<int:medical_id>"),
        ("notification", "<int:notification_id>"),
        ("notice", "<int:notice_id>"),
    ):
        pattern = pattern.replace("set-up/not-a-real-link/", "set-up/<str:token>/")
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


# Closing an episode (issue 14): a social worker's request to close is decided only by a
# manager of the team that holds the case. Each persona posts "authorise" to a pending request
# on a fresh episode: "closed" (the episode closed), "refused" (the page says why, the
# episode stays open), or the status of a refusal before the page.
CLOSURE_AUTHORISATION = {
    "anonymous": "signin",
    "own_team_manager": "closed",
    "other_team_manager": "refused",
    "team_manager_without_a_team": "refused",
    "social_worker_of_the_team": "refused",
    "health_visitor": 403,
    "ifd_manager": 403,
}


@pytest.fixture
def closure_world(time_machine, agencies, health_visitor, ifd_manager):  # type: ignore[no-untyped-def]
    from sightline.casework.services.episodes import episode_closure_request

    time_machine.move_to("2025-06-02 10:00 +01:00", tick=False)
    child = f.child(given_name="Hazel", family_name="Closurechild")
    episode = protection_builders.episode(child, agencies, dt.date(2025, 5, 12))
    other = f.team(agencies["csc"], "Child Protection Team South")
    personas = {
        "own_team_manager": f.user(
            agencies["csc"], "team_manager", "social_worker", username="tm.own", team=episode.team
        ),
        "other_team_manager": f.user(
            agencies["csc"], "team_manager", "social_worker", username="tm.other", team=other
        ),
        "team_manager_without_a_team": f.user(
            agencies["csc"], "team_manager", "social_worker", username="tm.none"
        ),
        "social_worker_of_the_team": f.user(
            agencies["csc"], "social_worker", "social_worker", username="sw.own", team=episode.team
        ),
        "health_visitor": health_visitor,
        "ifd_manager": ifd_manager,
    }
    episode_closure_request(
        actor=personas["social_worker_of_the_team"],
        episode=episode,
        closure_date=dt.date(2025, 5, 30),
        reason="RC7",
        summary="The family no longer needs a social worker; the school will keep watch.",
    )
    return episode, personas


@pytest.mark.parametrize("persona", CLOSURE_AUTHORISATION)
def test_only_a_manager_of_the_cases_team_authorises_its_closure(persona, closure_world):  # type: ignore[no-untyped-def]
    episode, personas = closure_world
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    response = client.post(f"/casework/episodes/{episode.pk}/close/", {"action": "authorise"})
    episode.refresh_from_db()
    if response.status_code == 302 and not episode.is_open:
        outcome: object = "closed"
    elif response.status_code == 200 and episode.is_open:
        page = response.content.decode()
        assert "only a manager of Safeguarding Team North" in page or "A team manager" in page
        outcome = "refused"
    else:
        outcome = outcome_of(response, {"child": episode.child_id})
    assert outcome == CLOSURE_AUTHORISATION[persona]
    assert episode.is_open == (outcome != "closed")

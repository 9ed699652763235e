"""Every edit form of an existing record carries the version it was read at, and the second of
two people saving it is refused with the first person's change shown and their own input kept
(sightline.core.versions).

Each case is one edit page. The test fills the form the way a browser does (from the page's own
inputs), so it follows the form as it is: two people open it, both change one thing, both save.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from sightline.casework.services.episodes import assessment_start, episode_open
from sightline.casework.services.plans import plan_outcome_add
from sightline.casework.tests import test_protection_builders as b
from sightline.core.models import Theme
from sightline.learning.services import course_create, session_create
from sightline.partnership.services import assurance, plan, reviews, risk
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values a browser would send for the page's form with a `version` field."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.data.append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = name
            self.data.append((name, ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data.lstrip("\n") if not value else value + data)


def filled(page: str, **changes: str) -> dict[str, Any]:
    form = _Form()
    form.feed(page)
    data: dict[str, Any] = {}
    for name, value in form.data:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    assert "version" in data, "the edit form carries no version"
    data.update(changes)
    return data


@dataclass(frozen=True)
class Case:
    """An edit page, who opens it, and one change each of two people makes."""

    url: str
    first: Any
    second: Any
    first_change: dict[str, str]
    second_change: dict[str, str]
    shown: str  # the first person's change as the second person is told it


def plan_outcome(request: pytest.FixtureRequest) -> Case:
    request.getfixturevalue("time_machine").move_to("2025-06-16 17:00 +01:00")
    agencies = request.getfixturevalue("agencies")
    worker = request.getfixturevalue("social_worker")
    child = f.child(given_name="Ivy", family_name="Formchild")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = b.s47(worker, episode, agencies, dt.date(2025, 6, 2))
    cp_plan = b.cp_plan(b.icpc_with_plan(worker, enquiry, agencies, dt.date(2025, 6, 13)))
    outcome = plan_outcome_add(
        actor=worker,
        plan=cp_plan,
        concern="Ivy misses school.",
        action="Walk Ivy to school.",
        responsible_person="Sam Parent",
        responsible_agency=agencies["school"],
        by_when=dt.date(2026, 5, 12),
        success_measure="Attendance above 95%.",
    )
    manager = f.user(
        agencies["csc"],
        "team_manager",
        "social_worker",
        username="tm.birch",
        team=f.team(agencies["csc"], "Safeguarding Team North"),
    )
    return Case(
        f"/casework/plans/{cp_plan.pk}/outcomes/{outcome.pk}/",
        worker,
        manager,
        {"by_when_day": "19"},
        {"responsible_person": "Alex Parent"},
        "changed By when from 12 May 2026 to 19 May 2026",
    )


def assessment(request: pytest.FixtureRequest) -> Case:
    request.getfixturevalue("time_machine").move_to("2025-06-02 10:00 +01:00")
    agencies = request.getfixturevalue("agencies")
    team = f.team(agencies["csc"], "Assessment Team North")
    worker = f.user(
        agencies["csc"], "social_worker", "social_worker", username="sw.aspen", team=team
    )
    manager = f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.willow", team=team
    )
    child = f.child(given_name="Isla", family_name="Formchild", date_of_birth=dt.date(2016, 2, 1))
    episode = episode_open(
        actor=worker,
        child=child,
        team=team,
        lead_social_worker=worker,
        referral_date=dt.date(2025, 3, 3),
        referral_source="6",
    )
    item = assessment_start(actor=worker, episode=episode, start_date=dt.date(2025, 3, 3))
    return Case(
        f"/casework/assessments/{item.pk}/",
        worker,
        manager,
        {"child_seen_date_day": "10", "child_seen_date_month": "3", "child_seen_date_year": "2025"},
        {"child_voice": "I like my new school."},
        "changed Date the child was seen from no answer to 10 March 2025",
    )


def _partnership(request: pytest.FixtureRequest) -> tuple[Any, Any, Any]:
    request.getfixturevalue("agencies")
    officer = request.getfixturevalue("partnership_officer")
    chair = f.user(None, "subgroup_chair", "other", username="sc.elder")
    return officer, chair, request.getfixturevalue("agencies")


def _recommendation(officer: Any, agencies: Any) -> Any:
    return plan.recommendation_create(
        actor=officer,
        source="local_review",
        source_reference="Child T practice review",
        number="1",
        text="Tell every professional when a family moves home.",
        themes=[Theme.objects.get(code="information-sharing")],
        agencies=[agencies["health"]],
    )


def recommendation(request: pytest.FixtureRequest) -> Case:
    officer, chair, agencies = _partnership(request)
    item = _recommendation(officer, agencies)
    return Case(
        f"/partnership/recommendations/{item.pk}/edit/",
        officer,
        chair,
        {"number": "2"},
        {"source_reference": "Child T review, final report"},
        "changed Number in the source from “1” to “2”",
    )


def action(request: pytest.FixtureRequest) -> Case:
    officer, chair, agencies = _partnership(request)
    item = plan.action_create(
        actor=officer,
        recommendation=_recommendation(officer, agencies),
        description="Audit address-change notifications.",
        owner_agency=agencies["police"],
        lead_person="Detective Inspector",
        due_on=dt.date(2030, 3, 31),
    )
    return Case(
        f"/partnership/actions/{item.pk}/edit/",
        officer,
        chair,
        {"due_on_month": "4", "due_on_day": "30"},
        {"lead_person": "Chief Inspector"},
        "changed Due date from 31 March 2030 to 30 April 2030",
    )


def action_progress(request: pytest.FixtureRequest) -> Case:
    officer, _, agencies = _partnership(request)
    lead = f.user(agencies["police"], "practitioner", "police_officer", username="di.hawthorn")
    lead.is_agency_lead = True
    lead.save(update_fields=["is_agency_lead"])
    item = plan.action_create(
        actor=officer,
        recommendation=_recommendation(officer, agencies),
        description="Audit address-change notifications.",
        owner_agency=agencies["police"],
        lead_person="Detective Inspector",
        due_on=dt.date(2030, 3, 31),
    )
    return Case(
        f"/partnership/actions/{item.pk}/progress/",
        lead,
        officer,
        {"status": "at_risk"},
        {"completion_evidence": "Half of the cases audited."},
        "changed Status from “Not started” to “At risk”",
    )


def practice_review(request: pytest.FixtureRequest) -> Case:
    officer, chair, _ = _partnership(request)
    item = reviews.practice_review_create(
        actor=officer, title="Child T", decided_on=dt.date(2025, 5, 20)
    )
    return Case(
        f"/partnership/practice-reviews/{item.pk}/edit/",
        officer,
        chair,
        {"author": "A. Reviewer"},
        {"title": "Child T (Ivy)"},
        "changed Commissioned author from no answer to “A. Reviewer”",
    )


def subgroup(request: pytest.FixtureRequest) -> Case:
    officer, chair, _ = _partnership(request)
    item = plan.subgroup_create(actor=officer, name="Case Review Subgroup", terms_of_reference="")
    return Case(
        f"/partnership/subgroups/{item.pk}/edit/",
        officer,
        chair,
        {"terms_of_reference": "Commissions reviews."},
        {"terms_of_reference": "Oversees audits."},
        "changed Terms of reference from no answer to “Commissions reviews.”",
    )


def risk_response(request: pytest.FixtureRequest) -> Case:
    officer, _, agencies = _partnership(request)
    leads = []
    for username in ("di.hawthorn", "di.rowan"):
        lead = f.user(agencies["police"], "practitioner", "police_officer", username=username)
        lead.is_agency_lead = True
        lead.save(update_fields=["is_agency_lead"])
        leads.append(lead)
    entry = risk.risk_log_entry_create(
        actor=officer,
        against_agency=agencies["police"],
        concern="Strategy discussions are held without health.",
        assurance_requested="An audit of 20 strategy discussions.",
        assurance_due_on=dt.date(2030, 2, 28),
        raised_on=dt.date(2025, 5, 1),
    )
    return Case(
        f"/partnership/risks/{entry.pk}/respond/",
        leads[0],
        leads[1],
        {"response": "The audit is booked for March."},
        {"response": "Health now joins every discussion."},
        "changed Response to the challenge from no answer to “The audit is booked for March.”",
    )


def assurance_answer(request: pytest.FixtureRequest) -> Case:
    officer, _, agencies = _partnership(request)
    leads = []
    for username in ("di.hawthorn", "di.rowan"):
        lead = f.user(agencies["police"], "practitioner", "police_officer", username=username)
        lead.is_agency_lead = True
        lead.save(update_fields=["is_agency_lead"])
        leads.append(lead)
    item = assurance.assurance_request_create(
        actor=officer,
        agency=agencies["police"],
        question="Show the audit.",
        due_on=dt.date(2030, 1, 1),
    )
    return Case(
        f"/partnership/assurance/{item.pk}/answer/",
        leads[0],
        leads[1],
        {"response": "The audit is attached."},
        {"response": "The audit is under way."},
        "changed Your agency's answer from no answer to “The audit is attached.”",
    )


def _course(officer: Any) -> Any:
    return course_create(
        actor=officer,
        title="Recognising neglect",
        level=3,
        mode="face_to_face",
        themes=[Theme.objects.get(code="neglect")],
        topics="Cumulative harm",
        audience="Practitioners",
    )


def course(request: pytest.FixtureRequest) -> Case:
    officer, _, _ = _partnership(request)
    manager = f.user(None, "partnership_officer", "other", username="po.hazel")
    item = _course(officer)
    return Case(
        f"/training/manage/courses/{item.pk}/edit/",
        officer,
        manager,
        {"title": "Recognising and responding to neglect"},
        {"audience": "Every agency"},
        "changed Title from “Recognising neglect” to “Recognising and responding to neglect”",
    )


def session(request: pytest.FixtureRequest) -> Case:
    request.getfixturevalue("time_machine").move_to("2027-03-08 09:00 +00:00")
    officer, _, _ = _partnership(request)
    manager = f.user(None, "partnership_officer", "other", username="po.hazel")
    starts = dt.datetime(2027, 3, 11, 9, 30, tzinfo=dt.UTC)
    item = session_create(
        actor=officer,
        course=_course(officer),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        capacity=2,
        venue="Town Hall",
    )
    return Case(
        f"/training/manage/sessions/{item.pk}/edit/",
        officer,
        manager,
        {"capacity": "12"},
        {"venue": "Civic Centre"},
        "changed Places from “2” to “12”",
    )


EDIT_FORMS: list[Callable[[pytest.FixtureRequest], Case]] = [
    plan_outcome,
    assessment,
    recommendation,
    action,
    action_progress,
    practice_review,
    subgroup,
    risk_response,
    assurance_answer,
    course,
    session,
]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("edit_form", EDIT_FORMS, ids=lambda case: case.__name__)
def test_the_second_of_two_people_saving_an_edit_form_is_refused_and_keeps_what_they_typed(
    request: pytest.FixtureRequest, edit_form: Callable[[pytest.FixtureRequest], Case]
) -> None:
    case = edit_form(request)
    first, second = signed_in(case.first), signed_in(case.second)
    first_page = first.get(case.url)
    second_page = second.get(case.url)
    assert first_page.status_code == second_page.status_code == 200
    first_data = filled(first_page.content.decode(), **case.first_change)
    second_data = filled(second_page.content.decode(), **case.second_change)
    assert first_data["version"] == second_data["version"] == "1"

    saved = first.post(case.url, first_data)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    refused = second.post(case.url, second_data)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this record while you were editing" in page
    assert case.shown in html.unescape(page)
    assert "Your changes are below; check them and save again." in page
    kept = filled(page)
    assert kept["version"] == "2"
    for name, value in case.second_change.items():
        assert kept[name] == value  # what the second person typed is still in the form
    if case.second_change.keys() != case.first_change.keys():
        resaved = second.post(case.url, kept)
        assert resaved.status_code == 302, resaved.content.decode()[-3000:]

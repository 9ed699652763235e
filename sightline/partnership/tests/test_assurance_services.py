"""Assurance requests: asked of one agency, answered only by its named lead, judged by the
oversight group."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sightline.core.models import Notification
from sightline.partnership import selectors
from sightline.partnership.models import AssuranceRequest
from sightline.partnership.services import assurance

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_request(partnership_officer, agencies, police_action):
    return assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["police"],
        action=police_action,
        question="Show that address changes reach the lead professional within a day.",
        due_on=dt.date(2030, 1, 31),
    )


@pytest.fixture
def health_request(partnership_officer, agencies):
    return assurance.assurance_request_create(
        actor=partnership_officer,
        agency=agencies["health"],
        question="How many health visitors have had was-not-brought training?",
        due_on=dt.date(2030, 1, 31),
    )


def test_the_agency_is_told_it_has_been_asked(police_request):
    assert Notification.objects.filter(
        topic="partnership.assurance_requested", recipient_email="police@example.org"
    ).exists()


def test_an_agency_user_sees_only_their_own_agencys_requests(
    police_officer, health_visitor, police_request, health_request
):
    assert list(selectors.assurance_requests_visible_to(police_officer)) == [police_request]
    assert list(selectors.assurance_requests_visible_to(health_visitor)) == [health_request]
    with pytest.raises(Exception) as error:
        selectors.assurance_request_get(user=health_visitor, request_id=police_request.pk)
    assert error.type.__name__ == "Http404"


def test_only_the_named_lead_of_the_agency_asked_may_answer(
    health_visitor, police_officer, police_lead, partnership_officer, police_request
):
    for refused in (health_visitor, police_officer, partnership_officer):
        with pytest.raises(PermissionDenied):
            assurance.assurance_request_answer(
                actor=refused, request=police_request, response="Not ours to give."
            )
    assert police_officer.has_perm("partnership.view_assurance", police_request)
    assurance.assurance_request_answer(
        actor=police_lead, request=police_request, response="Audit attached: 95% in a day."
    )
    police_request.refresh_from_db()
    assert police_request.responded_by == police_lead
    assert police_request.state == "Answered, awaiting judgement"


def test_an_empty_answer_is_refused(police_lead, police_request):
    with pytest.raises(ValidationError, match="Enter your agency's answer"):
        assurance.assurance_request_answer(actor=police_lead, request=police_request, response="")


def test_the_judgement_waits_for_an_answer_and_needs_reasons(
    scrutineer, police_lead, police_request
):
    with pytest.raises(ValidationError, match="has not answered"):
        assurance.assurance_request_judge(
            actor=scrutineer, request=police_request, judgement="assured", notes="Fine."
        )
    assurance.assurance_request_answer(
        actor=police_lead, request=police_request, response="Audit shows 95%."
    )
    with pytest.raises(ValidationError, match="Explain the judgement"):
        assurance.assurance_request_judge(
            actor=scrutineer, request=police_request, judgement="assured", notes=""
        )
    assurance.assurance_request_judge(
        actor=scrutineer,
        request=police_request,
        judgement="partly_assured",
        notes="Good audit; sample too small.",
    )
    police_request.refresh_from_db()
    assert police_request.judgement == AssuranceRequest.Judgement.PARTLY_ASSURED
    with pytest.raises(ValidationError, match="already judged"):
        assurance.assurance_request_answer(
            actor=police_lead, request=police_request, response="More."
        )


def test_a_request_needs_an_agency_a_question_and_a_future_date(partnership_officer):
    with pytest.raises(ValidationError) as error:
        assurance.assurance_request_create(
            actor=partnership_officer, agency=None, question="", due_on=dt.date(2000, 1, 1)
        )
    assert set(error.value.message_dict) == {"agency", "question", "due_on"}


@pytest.fixture
def not_assured(police_request, police_lead, scrutineer):
    assurance.assurance_request_answer(
        actor=police_lead, request=police_request, response="We have not audited it yet."
    )
    return assurance.assurance_request_judge(
        actor=scrutineer,
        request=police_request,
        judgement="not_assured",
        notes="No evidence was given.",
    )


def test_after_not_assured_the_partnership_asks_again_naming_the_first_request(
    partnership_officer, not_assured
):
    assert not_assured.needs_next_step
    again = assurance.assurance_request_ask_again(
        actor=partnership_officer,
        request=not_assured,
        question="Send the audit of address-change notifications by the end of March.",
        due_on=dt.date(2030, 3, 31),
    )
    assert again.follow_up_of == not_assured and again.agency == not_assured.agency
    assert again.action == not_assured.action and again.state == "Awaiting answer"
    assert not not_assured.needs_next_step
    with pytest.raises(ValidationError, match="already been asked again"):
        assurance.assurance_request_escalate(
            actor=partnership_officer, request=not_assured, reason="Still nothing."
        )


def test_after_not_assured_the_partnership_may_escalate_to_the_lead_partners(
    partnership_officer, not_assured
):
    with pytest.raises(ValidationError) as error:
        assurance.assurance_request_escalate(
            actor=partnership_officer, request=not_assured, reason=""
        )
    assert set(error.value.message_dict) == {"reason"}
    escalated = assurance.assurance_request_escalate(
        actor=partnership_officer, request=not_assured, reason="A second year without an audit."
    )
    assert escalated.escalated_by == partnership_officer and escalated.state.endswith("escalated")
    assert Notification.objects.filter(topic="partnership.assurance_escalated").exists()
    from sightline.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="assurance.escalated").exists()
    with pytest.raises(ValidationError, match="already been escalated"):
        assurance.assurance_request_ask_again(
            actor=partnership_officer,
            request=escalated,
            question="Again?",
            due_on=dt.date(2030, 3, 31),
        )


def test_an_assured_answer_is_neither_asked_again_nor_escalated(
    partnership_officer, police_request, police_lead, scrutineer, police_officer
):
    assurance.assurance_request_answer(
        actor=police_lead, request=police_request, response="Audit attached."
    )
    assurance.assurance_request_judge(
        actor=scrutineer, request=police_request, judgement="assured", notes="Good audit."
    )
    assert not police_request.needs_next_step
    with pytest.raises(ValidationError, match="not assured or partly assured"):
        assurance.assurance_request_escalate(
            actor=partnership_officer, request=police_request, reason="Why not."
        )
    with pytest.raises(PermissionDenied):
        assurance.assurance_request_escalate(
            actor=police_officer, request=police_request, reason="Why not."
        )

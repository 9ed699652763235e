"""The CP-IS style lookup service: what the clinician is told, what is recorded, who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from sightline.casework.models import Plan
from sightline.chronology.models import Event, EventType
from sightline.core.models import AuditEntry, Notification
from sightline.sharing.models import CpisLookup
from sightline.sharing.services import cpis_lookup
from sightline.sharing.tests import builders as b
from sightline.testing import factories as f

TODAY = dt.date(2026, 3, 10)
ED = CpisLookup.Setting.EMERGENCY_DEPARTMENT


@pytest.fixture(autouse=True)
def _now(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-03-10 14:05 +00:00", tick=False)


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Ava", family_name="Testchild", nhs_number=b.CHILD_NHS)


def look_up(actor, **search):  # type: ignore[no-untyped-def]
    return cpis_lookup(actor=actor, setting=ED, **search)


def test_a_child_on_a_plan_now_is_shown_with_the_plan_and_the_team_contact(
    unscheduled_care, child, agencies
):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    lookup = look_up(unscheduled_care, nhs_number="943 476 5919")

    assert lookup.answer == CpisLookup.Answer.ON_PLAN
    assert lookup.person == child
    assert lookup.answer_detail["plan"] == {
        "kind": "Child protection plan",
        "start_date": "2025-11-03",
        "end_date": None,
        "team": {
            "name": "Safeguarding Team West, Northmoor Children's Social Care",
            "phone": "01632 960 123",
            "email": "safeguarding.west@example.org",
            "out_of_hours_service": "Northmoor Emergency Duty Team",
            "out_of_hours_phone": "01632 960 999",
        },
    }
    assert lookup.answer_detail["looked_after"] == "Not recorded in Sightline"


def test_a_plan_that_ended_11_months_ago_is_shown_with_its_end_date(
    unscheduled_care, child, agencies
):
    b.plan(child, agencies, start=dt.date(2024, 9, 2), end=dt.date(2025, 4, 10))

    lookup = look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    assert lookup.answer == CpisLookup.Answer.PLAN_ENDED
    assert lookup.answer_detail["plan"]["start_date"] == "2024-09-02"
    assert lookup.answer_detail["plan"]["end_date"] == "2025-04-10"


def test_a_plan_that_ended_13_months_ago_is_not_shown(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2024, 6, 3), end=dt.date(2025, 2, 10))

    lookup = look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    assert lookup.answer == CpisLookup.Answer.NO_PLAN
    assert lookup.answer_detail["plan"] is None
    assert Notification.objects.count() == 0


def test_a_current_plan_is_shown_before_one_that_ended_this_year(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2024, 9, 2), end=dt.date(2025, 6, 1))
    b.plan(child, agencies, start=dt.date(2026, 1, 12))

    lookup = look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    assert lookup.answer == CpisLookup.Answer.ON_PLAN
    assert lookup.answer_detail["plan"]["start_date"] == "2026-01-12"


def test_a_child_in_need_plan_is_not_a_child_protection_plan(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 12, 1), kind=Plan.Kind.CIN)

    lookup = look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    assert lookup.answer == CpisLookup.Answer.NO_PLAN
    assert lookup.answer_detail["plan"] is None
    assert Notification.objects.count() == 0


def test_an_unborn_child_on_a_pre_birth_plan_is_found_through_the_mothers_nhs_number(
    unscheduled_care, agencies
):
    mother, unborn = b.mother_with_unborn_child(expected=dt.date(2026, 5, 20))
    b.plan(unborn, agencies, start=dt.date(2026, 2, 2))

    lookup = look_up(unscheduled_care, nhs_number=b.MOTHER_NHS)

    assert lookup.person == mother
    assert lookup.answer == CpisLookup.Answer.NO_PLAN  # she herself is not on a plan
    assert lookup.unborn_on_plan
    assert [p["start_date"] for p in lookup.answer_detail["unborn"]] == ["2026-02-02"]
    assert lookup.answer_detail["unborn"][0]["team"]["phone"] == "01632 960 123"
    unborn_entry = AuditEntry.objects.get(action="cpis.looked_up_unborn")
    assert unborn_entry.person_id == unborn.pk


def test_an_unborn_child_without_a_plan_is_not_mentioned(unscheduled_care, agencies):
    b.mother_with_unborn_child(expected=dt.date(2026, 5, 20))

    lookup = look_up(unscheduled_care, nhs_number=b.MOTHER_NHS)

    assert not lookup.unborn_on_plan
    assert lookup.answer_detail["unborn"] == []


def test_an_nhs_number_with_a_wrong_check_digit_is_refused_and_not_looked_up(unscheduled_care):
    with pytest.raises(ValidationError, match="check digit is wrong"):
        look_up(unscheduled_care, nhs_number="943 476 5918")
    assert CpisLookup.objects.count() == 0


def test_an_nhs_number_nobody_has_answers_no_plan(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    lookup = look_up(unscheduled_care, nhs_number=b.OTHER_NHS)

    assert lookup.answer == CpisLookup.Answer.NO_PLAN
    assert lookup.person is None


def test_a_name_and_date_of_birth_matching_exactly_one_child_answers(
    unscheduled_care, child, agencies
):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    lookup = look_up(
        unscheduled_care,
        given_name="ava",
        family_name="TESTCHILD",
        date_of_birth=dt.date(2018, 3, 14),
    )

    assert lookup.searched_by == CpisLookup.SearchedBy.NAME
    assert lookup.person == child
    assert lookup.answer == CpisLookup.Answer.ON_PLAN


def test_an_ambiguous_name_search_asks_for_the_nhs_number(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))
    f.child(given_name="Ava", family_name="Testchild")  # same name, same birthday: a twin

    lookup = look_up(
        unscheduled_care,
        given_name="Ava",
        family_name="Testchild",
        date_of_birth=dt.date(2018, 3, 14),
    )

    assert lookup.answer == CpisLookup.Answer.NOT_IDENTIFIED
    assert lookup.person is None
    assert "plan" not in lookup.answer_detail
    assert Notification.objects.count() == 0


def test_a_name_with_another_date_of_birth_does_not_answer(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    lookup = look_up(
        unscheduled_care,
        given_name="Ava",
        family_name="Testchild",
        date_of_birth=dt.date(2018, 3, 15),
    )

    assert lookup.answer == CpisLookup.Answer.NOT_IDENTIFIED


def test_every_lookup_is_recorded_and_audited(unscheduled_care, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    found = look_up(unscheduled_care, nhs_number=b.CHILD_NHS)
    missed = look_up(
        unscheduled_care, given_name="Nobody", family_name="Known", date_of_birth=TODAY
    )

    assert CpisLookup.objects.count() == 2
    assert found.user == unscheduled_care
    assert found.agency == agencies["hospital"]
    assert found.nhs_number == b.CHILD_NHS
    assert found.get_setting_display() == "Emergency department attendance"
    assert (missed.given_name, missed.family_name, missed.date_of_birth) == (
        "Nobody",
        "Known",
        TODAY,
    )
    entries = list(AuditEntry.objects.filter(action="cpis.looked_up").order_by("id"))
    assert [(e.kind, e.person_id, e.object_id) for e in entries] == [
        ("read", child.pk, str(found.pk)),
        ("read", None, str(missed.pk)),
    ]
    assert entries[0].reason == "Emergency department attendance"
    assert entries[0].actor == unscheduled_care


def test_the_lead_social_worker_is_told_the_child_attended_without_clinical_detail(
    unscheduled_care, child, agencies, django_capture_on_commit_callbacks
):
    plan = b.plan(child, agencies, start=dt.date(2025, 11, 3))

    with django_capture_on_commit_callbacks(execute=True):
        look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    notification = Notification.objects.get()
    assert notification.recipient_user == plan.episode.lead_social_worker
    assert notification.status == Notification.Status.SENT
    [message] = mail.outbox
    assert message.to == ["sw.willow@example.org"]
    assert "Ava" not in message.subject
    assert message.body.startswith(
        "Ava Testchild attended Northmoor Hospitals NHS Trust on 10 March 2026 at 14:05; "
        "the clinician looked up the child protection record."
    )
    assert "Ed Oak" in message.body


def test_without_a_lead_social_worker_the_team_inbox_is_told(
    unscheduled_care, child, agencies, django_capture_on_commit_callbacks
):
    b.plan(child, agencies, start=dt.date(2025, 11, 3), with_lead=False)

    with django_capture_on_commit_callbacks(execute=True):
        look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    assert [m.to for m in mail.outbox] == [["safeguarding.west@example.org"]]


def test_the_unborn_childs_social_worker_is_told_the_mother_attended(
    unscheduled_care, agencies, django_capture_on_commit_callbacks
):
    mother, unborn = b.mother_with_unborn_child(expected=dt.date(2026, 5, 20))
    b.plan(unborn, agencies, start=dt.date(2026, 2, 2))

    with django_capture_on_commit_callbacks(execute=True):
        look_up(unscheduled_care, nhs_number=b.MOTHER_NHS)

    [message] = mail.outbox
    assert message.body.startswith(
        "Jade Testmother, mother of Unborn child of the Testmother family, attended "
        "Northmoor Hospitals NHS Trust on 10 March 2026 at 14:05"
    )
    assert "record of her unborn child" in message.body


@pytest.mark.parametrize(
    "persona", ["social_worker", "health_visitor", "ifd_manager", "police_officer", "analyst"]
)
def test_only_unscheduled_care_clinicians_may_look_up(persona, request, child):
    with pytest.raises(PermissionDenied):
        look_up(request.getfixturevalue(persona), nhs_number=b.CHILD_NHS)
    assert CpisLookup.objects.count() == 0


def test_the_lead_social_worker_sees_the_lookup_in_their_messages_and_on_the_chronology(
    unscheduled_care, child, agencies, client
):
    plan = b.plan(child, agencies, start=dt.date(2025, 11, 3))
    worker = plan.episode.lead_social_worker

    look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    client.force_login(worker)
    inbox = client.get("/messages/").content.decode()
    assert "A child on a child protection plan attended unscheduled care" in inbox
    assert "Ava Testchild attended" in inbox and "10 March 2026 at 14:05" in inbox
    assert AuditEntry.objects.filter(action="messages.listed", actor=worker).exists()
    event = Event.objects.get(participants__person=child, type=EventType.INFORMATION_SHARED)
    assert event.recorded_by == unscheduled_care
    assert "checked whether the child is on a child protection plan" in event.summary
    assert "the lead social worker, was told in Sightline" in event.summary
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "checked whether the child is on a child protection plan" in page


def test_nobody_else_sees_the_message_in_their_inbox(unscheduled_care, child, agencies, client):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))
    look_up(unscheduled_care, nhs_number=b.CHILD_NHS)

    client.force_login(f.user(agencies["csc"], "social_worker", "social_worker", username="sw.ash"))
    inbox = client.get("/messages/").content.decode()
    assert "You have no messages" in inbox
    assert "Ava" not in inbox

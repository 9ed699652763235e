"""The action plan's rules: owners and dates, evidence of completion and of impact, sign-off."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sightline.core.models import AuditEntry, Notification
from sightline.partnership.models import ActionStatus, ActionUpdate, ImpactAssessment
from sightline.partnership.services import plan

pytestmark = pytest.mark.django_db


def _complete_with_impact(actor, action, assessment=ImpactAssessment.IMPACT_SHOWN):
    return plan.action_progress_record(
        actor=actor,
        action=action,
        status=ActionStatus.COMPLETED,
        completion_evidence="Audit of 40 cases done; guidance reissued.",
        impact_evidence="Re-audit: 38 of 40 address changes shared within a day.",
        impact_assessment=assessment,
    )


def test_it_refuses_an_action_without_an_owner_or_a_due_date(partnership_officer, recommendation):
    with pytest.raises(ValidationError) as error:
        plan.action_create(
            actor=partnership_officer,
            recommendation=recommendation,
            description="Reissue guidance.",
            due_on=None,
        )
    assert error.value.message_dict == {
        "owner_agency": ["Choose the agency or subgroup that owns the action"],
        "due_on": ["Enter the date the action is due"],
    }


def test_it_refuses_an_action_owned_by_an_agency_and_a_subgroup(
    partnership_officer, recommendation, agencies, subgroup
):
    with pytest.raises(ValidationError, match="not both"):
        plan.action_create(
            actor=partnership_officer,
            recommendation=recommendation,
            description="Reissue.",
            owner_agency=agencies["police"],
            owner_subgroup=subgroup,
            due_on=dt.date(2030, 1, 1),
        )


def test_a_recommendation_needs_a_theme_and_someone_to_address(partnership_officer):
    with pytest.raises(ValidationError) as error:
        plan.recommendation_create(
            actor=partnership_officer,
            source="inspection",
            source_reference="Inspection letter",
            text="Improve DRAM minutes.",
            themes=[],
        )
    assert set(error.value.message_dict) == {"themes", "agencies"}


def test_an_action_cannot_be_marked_achieved_on_completion_evidence_alone(
    partnership_officer, police_action
):
    with pytest.raises(ValidationError, match="achieved only when the scrutineer"):
        plan.action_progress_record(
            actor=partnership_officer,
            action=police_action,
            status=ActionStatus.ACHIEVED,
            completion_evidence="Done.",
        )


def test_completed_needs_evidence_of_completion(partnership_officer, police_action):
    with pytest.raises(ValidationError, match="evidence that the action is complete"):
        plan.action_progress_record(
            actor=partnership_officer, action=police_action, status=ActionStatus.COMPLETED
        )


def test_impact_cannot_be_signed_off_without_evidence_of_impact(
    partnership_officer, scrutineer, police_action
):
    plan.action_progress_record(
        actor=partnership_officer,
        action=police_action,
        status=ActionStatus.COMPLETED,
        completion_evidence="Guidance reissued.",
    )
    with pytest.raises(ValidationError, match="without evidence of impact"):
        plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.COMPLETED


def test_impact_is_signed_off_only_when_shown(scrutineer, partnership_officer, police_action):
    _complete_with_impact(partnership_officer, police_action, ImpactAssessment.SOME_IMPACT)
    with pytest.raises(ValidationError, match="sign off only when impact is shown"):
        plan.action_impact_sign_off(actor=scrutineer, action=police_action)


def test_the_scrutineer_signs_off_impact_and_the_action_is_achieved(
    scrutineer, partnership_officer, police_action
):
    _complete_with_impact(partnership_officer, police_action)
    plan.action_impact_sign_off(actor=scrutineer, action=police_action, note="Re-audit convinces.")
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.ACHIEVED
    assert police_action.impact_signed_off_by == scrutineer
    assert police_action.impact_sign_off_basis == "Independent scrutineer"
    kinds = list(ActionUpdate.objects.filter(action=police_action).values_list("kind", flat=True))
    assert kinds == ["impact_signed_off", "progress", "created"]
    assert AuditEntry.objects.filter(action="action.impact_signed_off").count() == 1


def test_a_partnership_officer_signs_off_only_for_the_oversight_group_meeting(
    partnership_officer, police_action
):
    _complete_with_impact(partnership_officer, police_action)
    with pytest.raises(ValidationError, match="oversight group meeting"):
        plan.action_impact_sign_off(actor=partnership_officer, action=police_action)
    plan.action_impact_sign_off(
        actor=partnership_officer, action=police_action, oversight_meeting_on=dt.date(2025, 6, 3)
    )
    police_action.refresh_from_db()
    assert police_action.impact_sign_off_basis == "Oversight group meeting on 3 June 2025"


def test_a_subgroup_chair_and_an_agency_user_may_not_sign_off_impact(
    subgroup_chair, police_officer, partnership_officer, police_action
):
    _complete_with_impact(partnership_officer, police_action)
    for actor in (subgroup_chair, police_officer):
        with pytest.raises(PermissionDenied):
            plan.action_impact_sign_off(actor=actor, action=police_action)


def test_the_owning_agencys_lead_records_progress_but_another_agency_cannot(
    police_lead, health_visitor, police_action
):
    plan.action_progress_record(
        actor=police_lead,
        action=police_action,
        status=ActionStatus.ON_TRACK,
        note="Audit started.",
    )
    update = police_action.updates.first()
    assert (update.by, update.status, update.note) == (police_lead, "on_track", "Audit started.")
    with pytest.raises(PermissionDenied):
        plan.action_progress_record(
            actor=health_visitor, action=police_action, status=ActionStatus.OFF_TRACK
        )


def test_staff_of_the_owning_agency_who_are_not_its_lead_may_only_view(
    police_officer, police_action
):
    assert police_officer.has_perm("partnership.view_action", police_action)
    with pytest.raises(PermissionDenied, match="named lead"):
        plan.action_progress_record(
            actor=police_officer, action=police_action, status=ActionStatus.ON_TRACK
        )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.NOT_STARTED


def test_a_lead_of_another_agency_cannot_record_progress(agencies, police_action):
    from sightline.testing import factories as f

    health_lead = f.user(agencies["health"], "practitioner", "health_visitor", username="hl.ivy")
    health_lead.is_agency_lead = True
    health_lead.save(update_fields=["is_agency_lead"])
    with pytest.raises(PermissionDenied):
        plan.action_progress_record(
            actor=health_lead, action=police_action, status=ActionStatus.ON_TRACK
        )


def test_an_achieved_action_no_longer_changes(scrutineer, partnership_officer, police_action):
    _complete_with_impact(partnership_officer, police_action)
    plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    with pytest.raises(ValidationError, match="can no longer change"):
        plan.action_progress_record(
            actor=partnership_officer, action=police_action, status=ActionStatus.AT_RISK
        )


def test_escalating_a_blocked_action_needs_a_reason_and_tells_the_lead_partners(
    partnership_officer, police_action, settings
):
    with pytest.raises(ValidationError, match="Say why the action is blocked"):
        plan.action_escalate(actor=partnership_officer, action=police_action, reason="  ")
    settings.PARTNERSHIP_LEAD_PARTNERS_EMAIL = "lead.partners@example.org"
    escalation = plan.action_escalate(
        actor=partnership_officer,
        action=police_action,
        reason="No analyst time funded for the audit since March.",
    )
    notification = Notification.objects.get(topic="partnership.escalation")
    assert notification.recipient_email == "lead.partners@example.org"
    assert "No analyst time funded" in notification.body
    assert escalation.action == police_action
    assert police_action.updates.first().kind == "escalated"

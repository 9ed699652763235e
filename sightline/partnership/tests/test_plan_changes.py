"""Changing the plan after the event: editing recommendations and actions (every change in
their history), withdrawing them with a reason, and re-opening a completed or signed-off
action before it may change again."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sightline.core.models import AuditEntry
from sightline.partnership import selectors
from sightline.partnership.governance_reports import subgroup_summary
from sightline.partnership.models import ActionStatus
from sightline.partnership.services import plan, plan_changes

pytestmark = pytest.mark.django_db


def _edit(actor, action, **changes):
    terms = {
        "description": action.description,
        "owner_agency": action.owner_agency,
        "owner_subgroup": action.owner_subgroup,
        "lead_person": action.lead_person,
        "due_on": action.due_on,
    }
    return plan_changes.action_update(actor=actor, action=action, **{**terms, **changes})


def _complete(actor, action):
    return plan.action_progress_record(
        actor=actor,
        action=action,
        status=ActionStatus.COMPLETED,
        completion_evidence="Audit of 30 cases completed.",
        impact_evidence="Re-audit: 28 of 30 moves shared within a day.",
        impact_assessment="impact_shown",
    )


# --- Editing an action ---------------------------------------------------------------------


def test_editing_an_action_records_what_it_was_and_what_it_became(
    partnership_officer, police_action, subgroup
):
    _edit(
        partnership_officer,
        police_action,
        due_on=dt.date(2030, 6, 30),
        owner_agency=None,
        owner_subgroup=subgroup,
        reason="Agreed at the March oversight group.",
    )
    police_action.refresh_from_db()
    assert police_action.due_on == dt.date(2030, 6, 30)
    assert police_action.owner == "Case Review Subgroup"
    update = police_action.updates.first()
    assert (update.kind, update.by, update.note) == (
        "edited",
        partnership_officer,
        "Agreed at the March oversight group.",
    )
    assert update.changes == {
        "due_on": {"from": "2030-03-31", "to": "2030-06-30"},
        "owner": {"from": "Northmoor Police", "to": "Case Review Subgroup"},
    }
    assert ("Due on", "31 March 2030", "30 June 2030") in update.change_lines
    assert AuditEntry.objects.filter(action="action.edited", object_id=str(police_action.pk))


def test_an_edit_that_changes_nothing_is_refused(partnership_officer, police_action):
    with pytest.raises(ValidationError, match="Nothing has changed"):
        _edit(partnership_officer, police_action)
    assert police_action.updates.filter(kind="edited").count() == 0


def test_an_edit_still_needs_an_owner_and_a_date(partnership_officer, police_action):
    with pytest.raises(ValidationError) as error:
        _edit(partnership_officer, police_action, owner_agency=None, due_on=None)
    assert set(error.value.message_dict) == {"owner_agency", "due_on"}


def test_only_the_partnership_edits_an_action_not_the_agency_or_its_lead(
    police_officer, police_lead, police_action
):
    for actor in (police_officer, police_lead):
        with pytest.raises(PermissionDenied):
            _edit(actor, police_action, description="Something easier.")
    police_action.refresh_from_db()
    assert police_action.description.startswith("Audit address-change")


def test_a_completed_action_is_not_edited_until_it_is_reopened_with_a_reason(
    partnership_officer, police_action
):
    _complete(partnership_officer, police_action)
    with pytest.raises(ValidationError, match="Re-open it first"):
        _edit(partnership_officer, police_action, due_on=dt.date(2031, 1, 1))
    with pytest.raises(ValidationError, match="Say why"):
        plan_changes.action_reopen(actor=partnership_officer, action=police_action, reason=" ")
    plan_changes.action_reopen(
        actor=partnership_officer,
        action=police_action,
        reason="The audit covered only one district.",
    )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.ON_TRACK
    reopened = police_action.updates.first()
    assert reopened.kind == "reopened"
    assert reopened.changes["status"] == {"from": "Completed", "to": "On track"}
    _edit(partnership_officer, police_action, due_on=dt.date(2031, 1, 1))
    assert police_action.updates.first().kind == "edited"


def test_reopening_a_signed_off_action_undoes_the_sign_off_and_keeps_it_in_the_history(
    scrutineer, subgroup_chair, partnership_officer, police_action
):
    _complete(partnership_officer, police_action)
    plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    police_action.refresh_from_db()
    with pytest.raises(ValidationError, match="achieved"):
        _edit(partnership_officer, police_action, description="Changed after sign-off.")
    with pytest.raises(PermissionDenied, match="scrutineer"):
        plan_changes.action_reopen(
            actor=subgroup_chair, action=police_action, reason="We want to extend it."
        )
    plan_changes.action_reopen(
        actor=scrutineer, action=police_action, reason="The re-audit sample was wrong."
    )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.ON_TRACK
    assert police_action.impact_signed_off_by is None
    assert police_action.impact_sign_off_basis == ""
    change = police_action.updates.first().changes["impact sign-off"]
    assert change["from"].startswith("Is Willow, Independent scrutineer")


def test_an_open_action_cannot_be_reopened(partnership_officer, police_action):
    with pytest.raises(ValidationError, match="Only a completed or signed-off action"):
        plan_changes.action_reopen(
            actor=partnership_officer, action=police_action, reason="Just because."
        )


# --- Withdrawing an action -----------------------------------------------------------------


def test_withdrawing_an_action_needs_a_reason_and_keeps_it_visible(
    partnership_officer, police_action
):
    with pytest.raises(ValidationError, match="Say why"):
        plan_changes.action_withdraw(actor=partnership_officer, action=police_action, reason="")
    plan_changes.action_withdraw(
        actor=partnership_officer,
        action=police_action,
        reason="Superseded by the regional information-sharing audit.",
    )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.WITHDRAWN
    assert police_action.withdrawn_by == partnership_officer
    assert police_action.withdrawal_reason.startswith("Superseded")
    assert not police_action.is_open
    update = police_action.updates.first()
    assert update.kind == "withdrawn"
    assert update.changes["status"] == {"from": "Not started", "to": "Withdrawn"}
    assert selectors.action_get(user=partnership_officer, action_id=police_action.pk)


def test_a_withdrawn_action_is_neither_open_nor_overdue_anywhere(
    time_machine, partnership_officer, police_action, recommendation, subgroup, agencies
):
    other = plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Run a practitioner event on moves.",
        owner_subgroup=subgroup,
        due_on=dt.date(2030, 3, 31),
    )
    plan_changes.action_withdraw(
        actor=partnership_officer, action=other, reason="Covered by the police audit."
    )
    time_machine.move_to(dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC))  # both past due
    overview = selectors.overview(user=partnership_officer)
    assert overview.actions_overdue == [police_action]
    assert other not in overview.actions_open
    overdue_filter = selectors.PlanFilter(overdue_only=True)
    assert selectors.plan_actions_rows(user=partnership_officer, filters=overdue_filter) == [
        police_action
    ]
    action_plan = selectors.action_plan(user=partnership_officer)
    assert action_plan.action_count == 1
    assert action_plan.withdrawn == 1
    assert "Withdrawn" not in action_plan.counts
    summary = subgroup_summary(
        user=partnership_officer,
        subgroup=subgroup,
        start=dt.date(2030, 4, 1),
        end=dt.date(2030, 6, 30),
    )
    assert summary.counts["plan_actions_open"] == 0
    assert summary.counts["plan_actions_overdue"] == 0


def test_a_withdrawn_action_cannot_be_signed_off_progressed_edited_or_escalated(
    scrutineer, partnership_officer, police_lead, police_action
):
    _complete(partnership_officer, police_action)
    plan_changes.action_withdraw(
        actor=partnership_officer, action=police_action, reason="No longer needed."
    )
    with pytest.raises(ValidationError, match="withdrawn"):
        plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    with pytest.raises(ValidationError, match="withdrawn"):
        plan.action_progress_record(
            actor=police_lead, action=police_action, status=ActionStatus.ON_TRACK
        )
    with pytest.raises(ValidationError, match="withdrawn"):
        _edit(partnership_officer, police_action, description="Revived.")
    with pytest.raises(ValidationError, match="Only an open action"):
        plan.action_escalate(actor=partnership_officer, action=police_action, reason="Blocked.")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        plan_changes.action_withdraw(
            actor=partnership_officer, action=police_action, reason="Again."
        )
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.WITHDRAWN


def test_a_signed_off_action_cannot_be_withdrawn(scrutineer, partnership_officer, police_action):
    _complete(partnership_officer, police_action)
    plan.action_impact_sign_off(actor=scrutineer, action=police_action)
    with pytest.raises(ValidationError, match="signed off"):
        plan_changes.action_withdraw(
            actor=partnership_officer, action=police_action, reason="Tidying up."
        )


def test_nobody_records_an_action_as_withdrawn_through_progress(partnership_officer, police_action):
    with pytest.raises(ValidationError) as error:
        plan.action_progress_record(
            actor=partnership_officer, action=police_action, status=ActionStatus.WITHDRAWN
        )
    assert "giving the reason" in error.value.message_dict["status"][0]


# --- Recommendations -----------------------------------------------------------------------


def _restate(actor, recommendation, **changes):
    terms = {
        "source": recommendation.source,
        "source_reference": recommendation.source_reference,
        "number": recommendation.number,
        "text": recommendation.text,
        "themes": list(recommendation.themes.all()),
        "for_partnership": recommendation.for_partnership,
        "agencies": list(recommendation.agencies.all()),
    }
    return plan_changes.recommendation_update(
        actor=actor, recommendation=recommendation, **{**terms, **changes}
    )


def test_editing_a_recommendation_keeps_its_earlier_wording_and_themes(
    partnership_officer, recommendation, themes, agencies
):
    _restate(
        partnership_officer,
        recommendation,
        text="Every agency tells the lead professional when a family moves home.",
        themes=[themes["information-sharing"]],
        agencies=[agencies["health"], agencies["police"], agencies["housing"]],
        reason="The published report widened it to every agency.",
    )
    recommendation.refresh_from_db()
    assert recommendation.text.startswith("Every agency")
    assert [t.code for t in recommendation.themes.all()] == ["information-sharing"]
    update = recommendation.updates.get()
    assert update.note == "The published report widened it to every agency."
    assert update.changes["text"]["from"].startswith("Health professionals tell")
    assert update.changes["themes"] == {
        "from": ["Information sharing", "Think Family and household changes"],
        "to": ["Information sharing"],
    }
    assert "Northmoor Homes" in update.changes["agencies"]["to"]
    assert set(update.changes) == {"text", "themes", "agencies"}
    assert AuditEntry.objects.filter(action="recommendation.edited").exists()


def test_a_recommendation_edit_is_checked_like_a_new_one(partnership_officer, recommendation):
    with pytest.raises(ValidationError) as error:
        _restate(partnership_officer, recommendation, text=" ", themes=[], agencies=[])
    assert set(error.value.message_dict) == {"text", "themes", "agencies"}
    with pytest.raises(ValidationError, match="Nothing has changed"):
        _restate(partnership_officer, recommendation)


def test_an_agency_user_cannot_edit_or_withdraw_a_recommendation(police_lead, recommendation):
    with pytest.raises(PermissionDenied):
        _restate(police_lead, recommendation, text="Softer.")
    with pytest.raises(PermissionDenied):
        plan_changes.recommendation_withdraw(
            actor=police_lead, recommendation=recommendation, reason="Not for us."
        )


def test_withdrawing_a_recommendation_withdraws_its_open_actions_and_keeps_the_done_ones(
    partnership_officer, recommendation, police_action, agencies
):
    done = plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Reissue the guidance.",
        owner_agency=agencies["health"],
        due_on=dt.date(2030, 1, 31),
    )
    _complete(partnership_officer, done)
    with pytest.raises(ValidationError, match="Say why"):
        plan_changes.recommendation_withdraw(
            actor=partnership_officer, recommendation=recommendation, reason=""
        )
    plan_changes.recommendation_withdraw(
        actor=partnership_officer,
        recommendation=recommendation,
        reason="Superseded by the national review's recommendation 4.",
    )
    recommendation.refresh_from_db()
    police_action.refresh_from_db()
    done.refresh_from_db()
    assert recommendation.withdrawn and recommendation.withdrawn_by == partnership_officer
    assert police_action.status == ActionStatus.WITHDRAWN
    assert police_action.withdrawal_reason == (
        "The recommendation was withdrawn: Superseded by the national review's recommendation 4."
    )
    assert done.status == ActionStatus.COMPLETED
    assert recommendation.updates.get().kind == "withdrawn"
    with pytest.raises(ValidationError, match="withdrawn"):
        plan.action_create(
            actor=partnership_officer,
            recommendation=recommendation,
            description="One more.",
            owner_agency=agencies["police"],
            due_on=dt.date(2030, 1, 31),
        )
    with pytest.raises(ValidationError, match="withdrawn"):
        _restate(partnership_officer, recommendation, text="Revived.")
    assert recommendation in selectors.recommendations_list(user=partnership_officer)


def test_an_actions_history_reads_in_words_not_field_names(
    client, partnership_officer, police_action
):
    from django.urls import reverse

    from sightline.partnership.models import ActionUpdate

    ActionUpdate.objects.create(
        action=police_action,
        by=partnership_officer,
        kind="impact_signed_off",
        status=ActionStatus.ACHIEVED,
        changes={"due_on": "2030-06-30", "lead_person": "A lead"},
    )
    client.force_login(partnership_officer)
    html = client.get(reverse("partnership:action", args=[police_action.pk])).content.decode()
    assert "Impactsignedoff" not in html and "dueon" not in html
    assert "Impact signed off" in html
    assert "due on, lead person changed" in html

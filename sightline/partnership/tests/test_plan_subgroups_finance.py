"""The business plan's outcomes and progress, subgroup meetings and their summary report, the
partnership's finances and an escalation's outcome."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sightline.partnership.governance_reports import subgroup_summary
from sightline.partnership.services import (
    business_plan,
    finance,
    plan,
    risk,
    subgroups,
)

pytestmark = pytest.mark.django_db


def test_an_outcome_needs_its_table_columns_and_someone_responsible(partnership_officer):
    priority = business_plan.plan_priority_create(
        actor=partnership_officer, period="2025-27", number=1, title="Early help"
    )
    with pytest.raises(ValidationError) as error:
        business_plan.plan_outcome_create(
            actor=partnership_officer,
            priority=priority,
            number="1.1",
            outcome="Families get help early.",
            targets_and_timelines="",
            evidence_of_impact="",
        )
    assert set(error.value.message_dict) == {
        "targets_and_timelines",
        "evidence_of_impact",
        "responsible_subgroups",
    }


def test_progress_updates_keep_who_and_when_and_achieved_needs_evidence(
    partnership_officer, subgroup_chair, subgroup
):
    priority = business_plan.plan_priority_create(
        actor=partnership_officer, period="2025-27", number=1, title="Early help"
    )
    outcome = business_plan.plan_outcome_create(
        actor=partnership_officer,
        priority=priority,
        number="1.1",
        outcome="Families get help early.",
        targets_and_timelines="By March 2026.",
        evidence_of_impact="Re-referral rate.",
        responsible_subgroups=[subgroup],
    )
    with pytest.raises(ValidationError, match="evidence of impact"):
        business_plan.plan_outcome_progress_record(
            actor=subgroup_chair, outcome=outcome, rating="achieved", note="Done."
        )
    business_plan.plan_outcome_progress_record(
        actor=subgroup_chair, outcome=outcome, rating="on_track", note="Half the teams trained."
    )
    outcome.refresh_from_db()
    assert outcome.rating == "on_track"
    update = outcome.progress.get()
    assert update.by == subgroup_chair and update.at is not None
    assert outcome.responsibility == "Case Review Subgroup"


def test_a_meeting_records_who_was_present_and_who_sent_apologies(
    partnership_officer, subgroup, agencies
):
    present = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Ari Vale"
    )
    away = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["health"], name="Jo Reed"
    )
    with pytest.raises(ValidationError, match="Record who was present"):
        subgroups.subgroup_meeting_record(
            actor=partnership_officer,
            subgroup=subgroup,
            held_on=dt.date(2025, 6, 1),
            minutes="Minutes.",
            attendance={away.pk: "apologies"},
        )
    meeting = subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 6, 1),
        minutes="Minutes.",
        attendance={present.pk: "present", away.pk: "apologies"},
    )
    assert (meeting.present_count, meeting.apologies_count) == (1, 1)
    with pytest.raises(ValidationError) as error:
        subgroups.meeting_action_add(
            actor=partnership_officer, meeting=meeting, description="x", owner=None, due_on=None
        )
    assert set(error.value.message_dict) == {"owner", "due_on"}


def test_the_subgroup_summary_gathers_its_actions_risks_and_audits_for_the_period(
    client, partnership_officer, subgroup, agencies, recommendation, police_risk, case_audit
):
    member = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Ari Vale"
    )
    meeting = subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 5, 20),
        minutes="Minutes.",
        attendance={member.pk: "present"},
    )
    subgroups.meeting_action_add(
        actor=partnership_officer,
        meeting=meeting,
        description="Share the audit report with the board.",
        owner=member,
        due_on=dt.date(2025, 6, 10),
    )
    plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Run two practitioner events.",
        owner_subgroup=subgroup,
        due_on=dt.date(2030, 1, 1),
    )
    risk.risk_log_entry_create(
        actor=partnership_officer,
        against_agency=agencies["health"],
        concern="Raised by the board, not this subgroup.",
        assurance_requested="x",
        assurance_due_on=dt.date(2030, 1, 1),
        raised_on=dt.date(2025, 5, 2),
    )
    summary = subgroup_summary(
        user=partnership_officer,
        subgroup=subgroup,
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 6, 30),
    )
    assert [m.held_on for m in summary.meetings] == [dt.date(2025, 5, 20)]
    assert [a.description for a in summary.meeting_actions] == [
        "Share the audit report with the board."
    ]
    assert summary.counts["meeting_actions_overdue"] == 1
    assert [a.description for a in summary.plan_actions] == ["Run two practitioner events."]
    assert summary.risks == [police_risk]
    assert summary.audits == [case_audit.programme]
    assert summary.counts["cases_audited"] == 1

    client.force_login(partnership_officer)
    page = client.get(
        reverse("partnership:subgroup-summary", args=[subgroup.pk]),
        {
            "start_day": "1",
            "start_month": "4",
            "start_year": "2025",
            "end_day": "30",
            "end_month": "6",
            "end_year": "2025",
        },
    ).content.decode()
    assert "1 April 2025 to 30 June 2025" in page
    assert "Run two practitioner events." in page and "CR-2025-001" in page
    assert "Neglect case audit, spring" in page
    assert "Raised by the board, not this subgroup." not in page


def test_a_finance_line_with_a_negative_amount_is_refused(partnership_officer, agencies):
    year = finance.financial_year_create(actor=partnership_officer, start_year=2025)
    with pytest.raises(ValidationError) as error:
        finance.contribution_record(
            actor=partnership_officer, year=year, partner=agencies["police"], amount=Decimal(-5)
        )
    assert error.value.message_dict == {"amount": ["The amount must be £0 or more"]}
    with pytest.raises(ValidationError, match="£0 or more"):
        finance.spending_record(
            actor=partnership_officer, year=year, heading="Staffing", amount=Decimal("-0.01")
        )


def test_a_year_shows_contributions_spending_and_the_underspend(
    client, partnership_officer, agencies
):
    year = finance.financial_year_create(actor=partnership_officer, start_year=2025)
    for code, amount in (("csc", 200000), ("police", 100000), ("health", 100000)):
        finance.contribution_record(
            actor=partnership_officer, year=year, partner=agencies[code], amount=Decimal(amount)
        )
    finance.spending_record(
        actor=partnership_officer, year=year, heading="Staffing", amount=Decimal(300000)
    )
    finance.spending_record(
        actor=partnership_officer, year=year, heading="staffing", amount=Decimal(320000)
    )
    assert year.spending.count() == 1  # the same heading again corrects it
    assert year.balance == Decimal(80000)
    assert year.balance_label == "Underspend £80,000.00"
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:finance-year", args=[2025])).content.decode()
    assert "Finances 2025-26" in page and "Underspend £80,000.00" in page
    assert "£200,000.00" in page and "£400,000.00" in page
    response = client.post(
        reverse("partnership:spending-new", args=[2025]), {"heading": "Training", "amount": "-1"}
    )
    assert "The amount must be £0 or more" in response.content.decode()


def test_an_escalations_outcome_is_recorded_in_the_actions_history(
    partnership_officer, police_action
):
    escalation = plan.action_escalate(
        actor=partnership_officer, action=police_action, reason="No funding."
    )
    plan.escalation_resolve(
        actor=partnership_officer, escalation=escalation, outcome="Funding agreed by the ICB."
    )
    escalation.refresh_from_db()
    assert escalation.resolved_by == partnership_officer and escalation.resolved_at
    assert police_action.updates.first().kind == "escalation_resolved"
    with pytest.raises(ValidationError, match="already been resolved"):
        plan.escalation_resolve(actor=partnership_officer, escalation=escalation, outcome="x")


def test_the_summary_of_a_period_still_running_counts_nothing_as_overdue_before_it_is_due(
    client, partnership_officer, subgroup, agencies, recommendation, time_machine
):
    """A period that ends after today: an action due later in it is not yet overdue."""
    time_machine.move_to(dt.datetime(2025, 5, 21, 10, 0, tzinfo=dt.UTC))
    member = subgroups.subgroup_member_add(
        actor=partnership_officer, subgroup=subgroup, agency=agencies["police"], name="Ari Vale"
    )
    meeting = subgroups.subgroup_meeting_record(
        actor=partnership_officer,
        subgroup=subgroup,
        held_on=dt.date(2025, 5, 20),
        minutes="Minutes.",
        attendance={member.pk: "present"},
    )
    subgroups.meeting_action_add(
        actor=partnership_officer,
        meeting=meeting,
        description="Share the audit report with the board.",
        owner=member,
        due_on=dt.date(2025, 6, 10),
    )
    plan.action_create(
        actor=partnership_officer,
        recommendation=recommendation,
        description="Run two practitioner events.",
        owner_subgroup=subgroup,
        due_on=dt.date(2025, 6, 20),
    )
    summary = subgroup_summary(
        user=partnership_officer,
        subgroup=subgroup,
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 6, 30),
    )
    assert summary.counts["meeting_actions_overdue"] == 0
    assert summary.counts["plan_actions_overdue"] == 0
    client.force_login(partnership_officer)
    page = client.get(
        reverse("partnership:subgroup-summary", args=[subgroup.pk]),
        {
            "start_day": "1",
            "start_month": "4",
            "start_year": "2025",
            "end_day": "30",
            "end_month": "6",
            "end_year": "2025",
        },
    ).content.decode()
    assert "Overdue" not in page and "(overdue)" not in page

    time_machine.move_to(dt.datetime(2025, 6, 11, 10, 0, tzinfo=dt.UTC))
    summary = subgroup_summary(
        user=partnership_officer,
        subgroup=subgroup,
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 6, 30),
    )
    assert summary.counts["meeting_actions_overdue"] == 1
    assert summary.counts["plan_actions_overdue"] == 0


def test_money_keeps_its_pence_and_thousands_separators(client, partnership_officer, agencies):
    year = finance.financial_year_create(actor=partnership_officer, start_year=2025)
    finance.contribution_record(
        actor=partnership_officer, year=year, partner=agencies["police"], amount=Decimal("1234.56")
    )
    assert year.balance_label == "Underspend £1,234.56"
    client.force_login(partnership_officer)
    page = client.get(reverse("partnership:finance-year", args=[2025])).content.decode()
    assert "Contributions of £1,234.56" in page and "Underspend £1,234.56" in page
    listing = client.get(reverse("partnership:finances")).content.decode()
    assert "£1,234.56" in listing

"""Partnership URLs: overview, case reviews, recommendations, the action plan, assurance;
the challenge and risk log, business plan, subgroups, audits, self-assessment, finances."""

from django.urls import path

from sightline.partnership.views import (
    assurance,
    audits,
    business_plan,
    finance,
    overview,
    plan,
    plan_changes,
    reviews,
    risk,
    self_assessment,
    subgroups,
)

app_name = "partnership"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("subgroups/", overview.subgroups, name="subgroups"),
    path("subgroups/new/", overview.subgroup_new, name="subgroup-new"),
    # Case reviews
    path("incidents/", reviews.incidents, name="incidents"),
    path("incidents/new/", reviews.incident_new, name="incident-new"),
    path("incidents/<int:incident_id>/", reviews.incident, name="incident"),
    path("incidents/<int:incident_id>/notify/", reviews.incident_notify, name="incident-notify"),
    path(
        "incidents/<int:incident_id>/rapid-review/",
        reviews.rapid_review_start,
        name="rapid-review-start",
    ),
    path("rapid-reviews/", reviews.rapid_reviews, name="rapid-reviews"),
    path("rapid-reviews/<int:review_id>/", reviews.rapid_review, name="rapid-review"),
    path(
        "rapid-reviews/<int:review_id>/request-information/",
        reviews.information_request_new,
        name="information-request-new",
    ),
    path(
        "rapid-reviews/returns/<int:request_id>/",
        reviews.information_return,
        name="information-return",
    ),
    path(
        "rapid-reviews/requests/",
        reviews.information_requests,
        name="information-requests",
    ),
    path(
        "rapid-reviews/requests/<int:request_id>/",
        reviews.information_request,
        name="information-request",
    ),
    path(
        "rapid-reviews/requests/<int:request_id>/answer/",
        reviews.information_request_answer,
        name="information-request-answer",
    ),
    path(
        "rapid-reviews/<int:review_id>/decision/",
        reviews.rapid_review_decision,
        name="rapid-review-decision",
    ),
    path(
        "rapid-reviews/<int:review_id>/panel-response/",
        reviews.rapid_review_panel_response,
        name="rapid-review-panel-response",
    ),
    path("practice-reviews/", reviews.practice_reviews, name="practice-reviews"),
    path("practice-reviews/new/", reviews.practice_review_new, name="practice-review-new"),
    path("practice-reviews/<int:review_id>/", reviews.practice_review, name="practice-review"),
    path(
        "practice-reviews/<int:review_id>/edit/",
        reviews.practice_review_edit,
        name="practice-review-edit",
    ),
    path(
        "practice-reviews/<int:review_id>/milestones/new/",
        reviews.milestone_new,
        name="milestone-new",
    ),
    path(
        "practice-reviews/milestones/<int:milestone_id>/done/",
        reviews.milestone_done,
        name="milestone-done",
    ),
    # Recommendations and the thematic action plan
    path("recommendations/", plan.recommendations, name="recommendations"),
    path("recommendations/new/", plan.recommendation_new, name="recommendation-new"),
    path("recommendations/<int:recommendation_id>/", plan.recommendation, name="recommendation"),
    path(
        "recommendations/<int:recommendation_id>/edit/",
        plan_changes.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "recommendations/<int:recommendation_id>/withdraw/",
        plan_changes.recommendation_withdraw,
        name="recommendation-withdraw",
    ),
    path(
        "recommendations/<int:recommendation_id>/actions/new/",
        plan.action_new,
        name="action-new",
    ),
    path("action-plan/", plan.action_plan, name="action-plan"),
    path("action-plan/print/", plan.action_plan_print, name="action-plan-print"),
    path("action-plan/pdf/", plan.action_plan_pdf, name="action-plan-pdf"),
    path("actions/<int:action_id>/", plan.action, name="action"),
    path("actions/<int:action_id>/progress/", plan.action_progress, name="action-progress"),
    path("actions/<int:action_id>/sign-off/", plan.action_sign_off, name="action-sign-off"),
    path("actions/<int:action_id>/escalate/", plan.action_escalate, name="action-escalate"),
    path("actions/<int:action_id>/edit/", plan_changes.action_edit, name="action-edit"),
    path("actions/<int:action_id>/withdraw/", plan_changes.action_withdraw, name="action-withdraw"),
    path("actions/<int:action_id>/reopen/", plan_changes.action_reopen, name="action-reopen"),
    # Assurance
    path("assurance/", assurance.assurance_requests, name="assurance"),
    path("assurance/new/", assurance.assurance_request_new, name="assurance-new"),
    path("assurance/<int:request_id>/", assurance.assurance_request, name="assurance-request"),
    path("assurance/<int:request_id>/answer/", assurance.assurance_answer, name="assurance-answer"),
    path("assurance/<int:request_id>/judge/", assurance.assurance_judge, name="assurance-judge"),
    path(
        "assurance/<int:request_id>/ask-again/",
        assurance.assurance_ask_again,
        name="assurance-ask-again",
    ),
    path(
        "assurance/<int:request_id>/escalate/",
        assurance.assurance_escalate,
        name="assurance-escalate",
    ),
    path(
        "escalations/<int:escalation_id>/outcome/",
        finance.escalation_outcome,
        name="escalation-outcome",
    ),
    # The challenge and risk log
    path("risks/", risk.risks, name="risks"),
    path("risks/new/", risk.risk_new, name="risk-new"),
    path("risks/quarterly/", risk.risk_quarterly_report, name="risk-quarterly"),
    path("risks/<int:entry_id>/", risk.risk, name="risk"),
    path("risks/<int:entry_id>/respond/", risk.risk_respond, name="risk-respond"),
    path("risks/<int:entry_id>/close/", risk.risk_close, name="risk-close"),
    # The business plan
    path("business-plan/", business_plan.business_plan, name="business-plan"),
    path("business-plan/priorities/new/", business_plan.priority_new, name="priority-new"),
    path(
        "business-plan/priorities/<int:priority_id>/outcomes/new/",
        business_plan.outcome_new,
        name="outcome-new",
    ),
    path("business-plan/outcomes/<int:outcome_id>/", business_plan.outcome, name="plan-outcome"),
    path(
        "business-plan/outcomes/<int:outcome_id>/progress/",
        business_plan.outcome_progress,
        name="outcome-progress",
    ),
    # Subgroups at work
    path("subgroups/<int:subgroup_id>/", subgroups.subgroup, name="subgroup"),
    path("subgroups/<int:subgroup_id>/edit/", subgroups.subgroup_edit, name="subgroup-edit"),
    path("subgroups/<int:subgroup_id>/members/new/", subgroups.member_new, name="member-new"),
    path("subgroups/<int:subgroup_id>/meetings/new/", subgroups.meeting_new, name="meeting-new"),
    path(
        "subgroups/<int:subgroup_id>/summary/",
        subgroups.subgroup_summary_report,
        name="subgroup-summary",
    ),
    path(
        "subgroups/<int:subgroup_id>/summary/pdf/",
        subgroups.subgroup_summary_pdf,
        name="subgroup-summary-pdf",
    ),
    path("meetings/<int:meeting_id>/", subgroups.meeting, name="meeting"),
    path(
        "meetings/<int:meeting_id>/actions/new/",
        subgroups.meeting_action_new,
        name="meeting-action-new",
    ),
    path(
        "meeting-actions/<int:action_id>/done/",
        subgroups.meeting_action_done,
        name="meeting-action-done",
    ),
    # Audits and challenge panels
    path("audits/", audits.audits, name="audits"),
    path("audits/new/", audits.audit_new, name="audit-new"),
    path("audits/<int:programme_id>/", audits.audit, name="audit"),
    path(
        "audits/<int:programme_id>/questions/new/",
        audits.audit_question_new,
        name="audit-question-new",
    ),
    path("audits/<int:programme_id>/cases/new/", audits.case_audit_new, name="case-audit-new"),
    path("audits/<int:programme_id>/findings/new/", audits.finding_new, name="finding-new"),
    path("audits/cases/<int:case_id>/", audits.case_audit, name="case-audit"),
    path(
        "audits/findings/<int:finding_id>/action/",
        audits.finding_action,
        name="finding-action",
    ),
    # Section 11 and Section 175 self-assessment
    path("self-assessment/", self_assessment.returns, name="returns"),
    path("self-assessment/request/", self_assessment.returns_request, name="returns-request"),
    path("self-assessment/standards/", self_assessment.standards, name="standards"),
    path("self-assessment/summary/", self_assessment.returns_summary, name="returns-summary"),
    path("self-assessment/<int:return_id>/", self_assessment.return_detail, name="return"),
    path(
        "self-assessment/<int:return_id>/standards/<int:standard_id>/",
        self_assessment.return_rate,
        name="return-rate",
    ),
    path(
        "self-assessment/<int:return_id>/submit/",
        self_assessment.return_submit,
        name="return-submit",
    ),
    path(
        "self-assessment/<int:return_id>/challenge/",
        self_assessment.return_challenge,
        name="return-challenge",
    ),
    path(
        "self-assessment/<int:return_id>/respond/",
        self_assessment.return_respond,
        name="return-respond",
    ),
    # Finances
    path("finances/", finance.finances, name="finances"),
    path("finances/<int:start_year>/", finance.finance_year, name="finance-year"),
    path(
        "finances/<int:start_year>/contributions/new/",
        finance.contribution_new,
        name="contribution-new",
    ),
    path("finances/<int:start_year>/spending/new/", finance.spending_new, name="spending-new"),
]

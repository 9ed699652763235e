"""Partnership URLs: overview, case reviews, recommendations, the action plan, assurance."""

from django.urls import path

from sightline.partnership.views import assurance, overview, plan, reviews

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
    # Assurance
    path("assurance/", assurance.assurance_requests, name="assurance"),
    path("assurance/new/", assurance.assurance_request_new, name="assurance-new"),
    path("assurance/<int:request_id>/", assurance.assurance_request, name="assurance-request"),
    path("assurance/<int:request_id>/answer/", assurance.assurance_answer, name="assurance-answer"),
    path("assurance/<int:request_id>/judge/", assurance.assurance_judge, name="assurance-judge"),
]

"""Child protection and plan pages, under casework/. Included by casework/urls.py inside the
"casework" namespace (so this module sets no app_name of its own: that would nest it)."""

from django.urls import path

from sightline.casework.views import plans, protection

urlpatterns = [
    path(
        "casework/episodes/<int:episode_id>/protection/",
        protection.overview,
        name="protection-overview",
    ),
    path(
        "casework/episodes/<int:episode_id>/strategy-discussions/new/",
        protection.strategy_discussion_new,
        name="strategy-discussion-new",
    ),
    path(
        "casework/strategy-discussions/<int:discussion_id>/",
        protection.strategy_discussion_detail,
        name="strategy-discussion",
    ),
    path(
        "casework/strategy-discussions/<int:discussion_id>/s47/new/",
        protection.s47_start,
        name="s47-start",
    ),
    path("casework/s47/<int:s47_id>/", protection.s47_detail, name="s47"),
    path("casework/s47/<int:s47_id>/complete/", protection.s47_complete, name="s47-complete"),
    path("casework/s47/<int:s47_id>/icpc/new/", protection.icpc_new, name="icpc-new"),
    path(
        "casework/episodes/<int:episode_id>/medicals/new/",
        protection.medical_new,
        name="medical-new",
    ),
    path("casework/medicals/<int:medical_id>/", protection.medical_detail, name="medical"),
    path(
        "casework/conferences/<int:conference_id>/",
        protection.conference_detail,
        name="conference",
    ),
    path("casework/episodes/<int:episode_id>/plans/new/", plans.cin_plan_new, name="cin-plan-new"),
    path("casework/plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("casework/plans/<int:plan_id>/outcomes/new/", plans.outcome_edit, name="outcome-new"),
    path(
        "casework/plans/<int:plan_id>/outcomes/<int:outcome_id>/",
        plans.outcome_edit,
        name="outcome-edit",
    ),
    path(
        "casework/plans/<int:plan_id>/outcomes/<int:outcome_id>/remove/",
        plans.outcome_remove,
        name="outcome-remove",
    ),
    path("casework/plans/<int:plan_id>/confirm/", plans.plan_confirm, name="plan-confirm"),
    path(
        "casework/plans/<int:plan_id>/versions/<int:number>/",
        plans.plan_version,
        name="plan-version",
    ),
    path("casework/plans/<int:plan_id>/end/", plans.plan_end, name="plan-end"),
    path(
        "casework/plans/<int:plan_id>/review-conferences/new/",
        protection.rcpc_new,
        name="rcpc-new",
    ),
    path("casework/plans/<int:plan_id>/core-group/", plans.core_group, name="core-group"),
    path(
        "casework/plans/<int:plan_id>/core-group/meetings/new/",
        plans.core_group_meeting_new,
        name="core-group-meeting-new",
    ),
    path(
        "casework/core-group-meetings/<int:meeting_id>/",
        plans.core_group_meeting_detail,
        name="core-group-meeting",
    ),
]

"""The episode side of casework: referral to closure, and the team's due list."""

from django.urls import path

from sightline.casework.views import episodes as views

urlpatterns = [
    path("casework/referrals/", views.referrals, name="referrals"),
    path("casework/team/", views.team, name="team"),
    path("casework/children/<int:person_id>/", views.child_casework, name="child"),
    path(
        "casework/children/<int:person_id>/episodes/new/", views.episode_open, name="episode-open"
    ),
    path("casework/episodes/<int:episode_id>/", views.episode_detail, name="episode"),
    path(
        "casework/episodes/<int:episode_id>/assessments/new/",
        views.assessment_start,
        name="assessment-start",
    ),
    path("casework/assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "casework/assessments/<int:assessment_id>/complete/",
        views.assessment_complete,
        name="assessment-complete",
    ),
    path("casework/episodes/<int:episode_id>/visits/new/", views.visit_new, name="visit-new"),
    path(
        "casework/episodes/<int:episode_id>/supervision/new/",
        views.supervision_new,
        name="supervision-new",
    ),
    path("casework/episodes/<int:episode_id>/transfer/", views.transfer, name="transfer"),
    path("casework/episodes/<int:episode_id>/reallocate/", views.reallocate, name="reallocate"),
    path("casework/episodes/<int:episode_id>/close/", views.close, name="close"),
]

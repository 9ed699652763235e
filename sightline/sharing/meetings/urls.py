from django.urls import path

from sightline.sharing.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("dram-agenda/", views.dram_agenda_page, name="agenda"),
    path("new/", views.meeting_new, name="new"),
    path("return/", views.quarterly_return, name="return"),
    path("<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("<int:meeting_id>/attendees/", views.attendee_add, name="attendee"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path(
        "<int:meeting_id>/referrals/<int:referral_id>/list/",
        views.referral_list,
        name="referral-list",
    ),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/actions/", views.action_add, name="action-add"),
    path("actions/<int:action_id>/review/", views.action_review, name="action-review"),
    path("referrals/<int:referral_id>/", views.referral_page, name="referral"),
    path("referrals/new/<int:person_id>/<slug:kind>/", views.referral_new, name="referral-new"),
]

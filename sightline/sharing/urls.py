from django.urls import include, path

from sightline.sharing import views
from sightline.sharing.encompass import views as encompass
from sightline.sharing.network import views as network

app_name = "sharing"
urlpatterns = [
    path("cp-is/", views.lookup, name="cpis"),
    path("cp-is/answer/", views.answer, name="cpis-answer"),
    path("messages/", views.inbox, name="inbox"),
    path("meetings/", include("sightline.sharing.meetings.urls")),
    path("notifications/", network.notifications, name="notifications"),
    path("notifications/<int:notification_id>/", network.notification, name="notification"),
    path(
        "notifications/<int:notification_id>/read/",
        network.notification_mark,
        {"state": "read"},
        name="notification-read",
    ),
    path(
        "notifications/<int:notification_id>/acted-on/",
        network.notification_mark,
        {"state": "acted-on"},
        name="notification-acted-on",
    ),
    path("encompass/", encompass.measures, name="encompass"),
    path("encompass/school-calendars/", encompass.calendars, name="school-calendars"),
    path(
        "encompass/notices/<int:notice_id>/acknowledge/",
        encompass.acknowledge,
        name="encompass-acknowledge",
    ),
]

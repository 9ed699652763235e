from django.urls import path

from sightline.sharing import views

app_name = "sharing"
urlpatterns = [
    path("cp-is/", views.lookup, name="cpis"),
    path("cp-is/answer/", views.answer, name="cpis-answer"),
    path("messages/", views.inbox, name="inbox"),
]

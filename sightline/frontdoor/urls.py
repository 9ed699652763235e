"""Front door URLs: intake (public and practitioner forms) and triage (queue, checks, decisions)."""

from django.urls import include, path

app_name = "frontdoor"
urlpatterns = [
    path("", include("sightline.frontdoor.urls_intake")),
    path("", include("sightline.frontdoor.urls_triage")),
]

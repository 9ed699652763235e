"""Casework URLs: the episode side (referral to closure) and child protection and plans."""

from django.urls import include, path

app_name = "casework"
urlpatterns = [
    path("", include("sightline.casework.urls_episodes")),
    path("", include("sightline.casework.urls_protection")),
]

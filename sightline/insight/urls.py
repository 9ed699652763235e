from django.urls import path

from sightline.insight import views

app_name = "insight"
urlpatterns = [
    path("insight/cin-census/", views.cin_census, name="cin_census"),
    path("insight/annex-a/", views.annex_a, name="annex_a"),
]

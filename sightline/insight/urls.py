from django.urls import path

from sightline.insight import dashboard_views, views

app_name = "insight"
urlpatterns = [
    path("insight/", dashboard_views.dashboard, name="dashboard"),
    path("insight/figures.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path(
        "insight/<int:year>/children/<str:key>/",
        dashboard_views.children_behind,
        name="children_behind",
    ),
    path("insight/cin-census/", views.cin_census, name="cin_census"),
    path("insight/annex-a/", views.annex_a, name="annex_a"),
]

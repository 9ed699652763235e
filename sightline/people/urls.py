from django.urls import path

from sightline.people import disabilities, views

app_name = "people"
urlpatterns = [
    path("people/search/", views.search, name="search"),
    path("people/<int:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("people/<int:person_id>/access-trail/", views.access_trail, name="access-trail"),
    path(
        "people/<int:person_id>/disabilities/",
        disabilities.disabilities_edit,
        name="disabilities",
    ),
    path("audit/break-glass/", views.break_glass_report, name="break-glass-report"),
]

from django.urls import path

from sightline.chronology import views

app_name = "chronology"
urlpatterns = [
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("people/<int:person_id>/print/", views.person_print, name="person-print"),
]

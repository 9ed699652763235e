from django.urls import path

from sightline.risk import views

app_name = "risk"
urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/<int:alert_id>/", views.alert_page, name="alert"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/close/", views.close, name="close"),
    path("alerts/rules/", views.rule_settings, name="rules"),
    path("alerts/rules/<slug:code>/", views.rule_setting_edit, name="rule-edit"),
    path("alerts/incidents/<int:event_id>/dash/", views.dash_record, name="dash"),
]

from django.urls import path

from sightline.linkage import views

app_name = "linkage"
urlpatterns = [
    path("linkage/model/", views.model, name="model"),
    path("linkage/model/roll-back/", views.model_rollback, name="model-rollback"),
    path("linkage/review/", views.review_queue, name="review"),
    path("linkage/review/<int:candidate_id>/", views.review_match, name="review-match"),
    path("linkage/review/<int:candidate_id>/undo/", views.review_undo, name="review-undo"),
    path("linkage/merges/", views.merges, name="merges"),
    path("linkage/merges/<int:change_id>/undo/", views.undo, name="undo"),
]

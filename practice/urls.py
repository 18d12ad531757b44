"""URLs of practice's pages."""

from django.urls import path

from practice import review_views

app_name = "practice"

urlpatterns = [
    path("review/", review_views.review, name="review"),
    path("review/<int:card_id>/answer", review_views.review_card_answer, name="review_answer"),
]

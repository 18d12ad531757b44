"""URLs of the lesson page's check questions (namespace "checks")."""

from django.urls import path

from practice import views

app_name = "checks"

urlpatterns = [
    path("lessons/<slug:slug>/check/<int:question_id>", views.check_answer_view, name="answer"),
]

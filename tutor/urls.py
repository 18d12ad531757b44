"""URLs of the tutor block on a lesson page: unlock, the status fragment the page polls, rating and reporting."""

from django.urls import path

from tutor import views

app_name = "tutor"

urlpatterns = [
    path("lessons/<slug:slug>/tutor/unlock", views.unlock_view, name="unlock"),
    path("lessons/<slug:slug>/tutor/status", views.status_view, name="status"),
    path("lessons/<slug:slug>/tutor/rate", views.rate_view, name="rate"),
    path("lessons/<slug:slug>/tutor/report", views.report_view, name="report"),
    path("lessons/<slug:slug>/tutor/questions", views.question_ask_view, name="ask"),
    path("lessons/<slug:slug>/tutor/questions/<int:question_id>", views.question_view, name="question"),
    path("lessons/<slug:slug>/tutor/questions/<int:question_id>/rate", views.question_rate_view, name="question_rate"),
    path(
        "lessons/<slug:slug>/tutor/questions/<int:question_id>/report",
        views.question_report_view,
        name="question_report",
    ),
]

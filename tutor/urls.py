"""URLs of the tutor block on a lesson page: unlock, the status fragment the page polls, rating and reporting."""

from django.urls import path

from tutor import views

app_name = "tutor"

urlpatterns = [
    path("lessons/<slug:slug>/tutor/unlock", views.unlock_view, name="unlock"),
    path("lessons/<slug:slug>/tutor/status", views.status_view, name="status"),
    path("lessons/<slug:slug>/tutor/rate", views.rate_view, name="rate"),
    path("lessons/<slug:slug>/tutor/report", views.report_view, name="report"),
]

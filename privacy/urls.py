"""URLs of the learner's data pages."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.data_view, name="data"),
    path("me/delete/", views.delete_view, name="delete"),
]

"""URLs for the learner's account settings (allauth serves the rest under /accounts/)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/settings/", views.settings_view, name="account_settings"),
]

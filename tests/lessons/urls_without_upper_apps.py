"""The site's URLs as they would be with only the apps below the tutor and gamification installed."""

from django.urls import include, path

from lessons import views as lesson_views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("credits/", include("credits.urls")),
    path("", include("accounts.urls")),
    path("", include("lessons.urls")),
    path("", lesson_views.home, name="home"),
]

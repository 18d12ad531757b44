"""URLs for the page benchmark only: the project's URLs plus a bare view, the baseline pages are judged against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("", include("config.urls")),
]

"""URLs for the page cache's tests: the project's, plus a shared page holding a form, so its cached copy has a hole
where each visitor's CSRF token goes. No page of the product's own shows a visitor a form today."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from core.content_version import content_version
from core.page_cache import shared_page

FORM = engines["django"].from_string(
    '<form method="post" action="/lessons/progress/merge">{% csrf_token %}<button>Save</button></form>'
)
renders: list[str] = []  # one entry per time the view itself ran


@shared_page(version=content_version)
def form_page(request: HttpRequest) -> HttpResponse:
    renders.append(request.path)
    return HttpResponse(FORM.render({}, request))


urlpatterns = [
    path("shared-form/", form_page),
    path("", include("config.urls")),
]

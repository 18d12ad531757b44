"""`/favicon.ico`: browsers ask for it on pages that name no icon (the admin's), so every page gets the site's icon
instead of a 404. The same bytes as `static/favicon.svg`, read once."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@cache
def _icon() -> bytes:
    return (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_bytes()


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_icon(), content_type="image/svg+xml")

"""Template context shared by every page."""

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": "Learn ⚡"}

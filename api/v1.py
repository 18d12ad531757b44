"""The JSON API v1: one NinjaAPI, one router per subject, errors always as {"detail": "..."}."""

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.auth import REQUIRED_AUTH
from api.credit_packs import router as credit_packs_router
from api.credits import router as credits_router
from api.curation import router as curation_router
from api.errors import domain_errors_handle
from api.gamification import router as gamification_router
from api.lessons import router as lessons_router
from api.openapi import ContractNinjaAPI
from api.practice_checks import router as practice_checks_router
from api.practice_reviews import router as practice_reviews_router
from api.privacy import router as privacy_router
from api.skills import router as skills_router
from api.tutor import router as tutor_router

api = ContractNinjaAPI(
    title="Learn ⚡ API",
    version="1",
    description="Lessons, unlocks, progress, credits and leagues. Sign in through allauth's headless API "
    "(/_allauth/app/v1/...) and send the session token back as X-Session-Token; browsers use the session cookie "
    "and the CSRF token.",
    urls_namespace="api-v1",
    auth=REQUIRED_AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Sign in first: send X-Session-Token or a session cookie."
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        f"{'.'.join(str(part) for part in error.get('loc', ())[1:]) or 'request'}: {error.get('msg', 'invalid')}"
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "; ".join(problems) or "Invalid request."}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


# Every app's domain errors, answered with the status they carry (api/errors.py): no endpoint translates them.
domain_errors_handle(api)

# One router per subject, each in its own module of this package (api/lessons.py, api/credits.py, ...):
# import it here and add it with api.add_router("", router). Imports only go down the layers.
api.add_router("", credits_router)
api.add_router("", credit_packs_router)
api.add_router("", lessons_router)
api.add_router("", skills_router)
api.add_router("", tutor_router)
api.add_router("", gamification_router)
api.add_router("", practice_checks_router)
api.add_router("", privacy_router)
api.add_router("", curation_router)
api.add_router("", practice_reviews_router)

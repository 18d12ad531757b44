"""Domain errors as HTTP answers, in one place: each app's exceptions carry their status (``http_status``), and the
handlers registered here turn any of them into the documented JSON body. Endpoints just call services and let
these errors rise; none translates an error itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

from accounts.exceptions import AccountNotErasable
from credits.exceptions import CreditsError, InsufficientCredits
from gamification.exceptions import ChecksLeft, CompletionTooSoon, GamificationError
from lessons.exceptions import LessonNotAvailable, LessonNotFound, LessonNotIncoming, LessonsError, SkillNotFound
from practice.check_exceptions import CheckError
from practice.services.reviews import ReviewError
from purchases.exceptions import CheckoutRateLimited, PurchasesError
from tutor.exceptions import TutorError

if TYPE_CHECKING:
    from ninja import NinjaAPI

DOMAIN_ERRORS: tuple[type[Exception], ...] = (
    CreditsError,
    PurchasesError,
    TutorError,
    LessonsError,
    GamificationError,
    CheckError,
    AccountNotErasable,
    ReviewError,
)


def error_body(error: Exception) -> dict[str, Any]:
    """The JSON body of a domain error: {"detail"}, plus the fields its documented shape adds."""
    if isinstance(error, LessonNotFound | LessonNotAvailable):
        # Raised with the slug alone; a lesson the caller may not see reads as one that does not exist.
        return {"detail": f"No lesson with slug “{error}”."}
    if isinstance(error, SkillNotFound):
        return {"detail": f"No skill with slug “{error}”."}
    if isinstance(error, LessonNotIncoming):
        return {"detail": f"“{error}” is no longer in the incoming queue; it cannot be changed here."}
    body: dict[str, Any] = {"detail": str(error)}
    if isinstance(error, InsufficientCredits):
        # One wording for every "not enough credits": the exception's own.
        body |= {"available": error.available, "price": error.required}
    elif isinstance(error, CompletionTooSoon):
        body["seconds_left"] = error.seconds_left
    elif isinstance(error, ChecksLeft):
        body |= {"seconds_left": 0, "checks_left": error.left}
    return body


def retry_after(error: Exception) -> int | None:
    """Seconds after which trying again can succeed, when waiting helps."""
    if isinstance(error, CheckoutRateLimited):
        return error.retry_after
    if isinstance(error, CompletionTooSoon) and not error.not_open:  # waiting helps only once the lesson is open
        return error.seconds_left
    return None


def domain_errors_handle(api: NinjaAPI) -> None:
    """Register the one handler of every app's domain errors on `api`. An error without a status is no answer for
    the caller (a bug, a broken invariant): it stays a server error, answered by the JSON 500 middleware."""

    def answer(request: HttpRequest, error: Exception | type[Exception]) -> HttpResponse:
        status = getattr(error, "http_status", None)
        if status is None or not isinstance(error, Exception):
            raise error
        response = api.create_response(request, error_body(error), status=status)
        if (seconds := retry_after(error)) is not None:
            response["Retry-After"] = str(seconds)
        return response

    for error_class in DOMAIN_ERRORS:
        api.add_exception_handler(error_class, answer)

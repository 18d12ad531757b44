"""The learner's data in the API: a JSON export of everything held, and erasing the account."""

from __future__ import annotations

from typing import Any

from allauth.headless import app_settings as headless_settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from accounts.reauthentication import owner_confirmed
from api.auth import require_user
from api.schemas import NO_NUL_PATTERN, ErrorOut
from privacy.services import account_erase, account_export
from privacy.views import export_response

router = Router(tags=["your data"])


class EraseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(default="", max_length=4096, pattern=NO_NUL_PATTERN)


class ErasedOut(Schema):
    erased: bool


def _signed_in_session(request: HttpRequest) -> Any:
    """The session that signed this caller in: the one behind an app's X-Session-Token, or the browser's cookie."""
    token = request.headers.get("X-Session-Token")
    if token:
        session = headless_settings.TOKEN_STRATEGY.lookup_session(token)
        if session is not None:
            return session
    return request.session


@router.get(
    "/me/export",
    response={200: dict[str, Any], 401: ErrorOut},
    summary="Everything held about me, as a JSON file",
    description="Profile, email addresses, sign-in providers, progress, XP events, streak days, badges, unlocks, "
    "ratings and reports, the whole ledger with reasons, and purchases. Sent as a download "
    "(Content-Disposition: attachment).",
)
def me_export_endpoint(request: HttpRequest) -> HttpResponse:
    user = require_user(request)
    return export_response(account_export(user=user), user_id=user.pk)


@router.post(
    "/me/delete",
    response={200: ErasedOut, 401: ErrorOut, 403: ErrorOut},
    summary="Erase my account",
    description="Needs the account's password, or a sign-in within the last few minutes (for accounts that sign in "
    "with a provider or a passkey). The ledger and purchases are kept under an anonymous owner; everything else "
    "about the learner is deleted, and the session ends.",
)
def me_delete_endpoint(request: HttpRequest, payload: EraseIn) -> dict[str, bool]:
    user = require_user(request)
    session = _signed_in_session(request)
    if not owner_confirmed(request=request, user=user, password=payload.password, session=session):
        detail = "That password is not right." if payload.password else "Send your password, or sign in again first."
        raise HttpError(403, detail)
    account_erase(user=user)
    if session is not request.session:
        session.flush()
    request.session.flush()
    return {"erased": True}

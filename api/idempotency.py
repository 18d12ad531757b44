"""The Idempotency-Key header, read the same way by every endpoint that takes one, and the first answers it replays."""

import re
from typing import Any

from ninja import Header
from ninja.errors import HttpError

from accounts.models import User
from api.models import FirstAnswer
from credits.models import CALLER_KEY_MAX_LENGTH

# The one rule of credits.models: every key column is IDEMPOTENCY_KEY_LENGTH long, and a caller's key leaves room for
# the endpoint's own namespace in front of it ("api:", "tutor-unlock:").
IDEMPOTENCY_KEY_MAX_LENGTH = CALLER_KEY_MAX_LENGTH
# Printable ASCII without surrounding spaces: the OpenAPI document states exactly what the parser accepts.
IDEMPOTENCY_KEY_PATTERN = rf"^[!-~]([ -~]{{0,{IDEMPOTENCY_KEY_MAX_LENGTH - 2}}}[!-~])?$"
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def idempotency_key_parse(value: str | None) -> str | None:
    """The client's key, stripped; None when the header is missing or blank; 400 when it is too long or not printable
    ASCII (a header value that could not be stored or logged as sent)."""
    key = (value or "").strip()
    if not key:
        return None
    if not _KEY.match(key):
        raise HttpError(400, f"An Idempotency-Key is up to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.")
    return key


def idempotency_key_header(description: str, *, required: bool = True) -> Any:
    """The Idempotency-Key header as an endpoint parameter's default, documented with the pattern the parser accepts."""
    return Header(
        ... if required else None,
        alias="Idempotency-Key",
        description=description,
        pattern=IDEMPOTENCY_KEY_PATTERN,
    )


def first_answer_store(*, user: User, operation: str, key: str, status: int, body: dict[str, Any]) -> None:
    """Keep the first answer to `operation` sent with `key`. Call in the transaction that did the work, so the answer
    is kept exactly when the work is; a concurrent first request with the same key keeps its own and this is a no-op."""
    FirstAnswer.objects.get_or_create(
        user=user, operation=operation, idempotency_key=key, defaults={"status": status, "body": body}
    )


def first_answer_get(*, user: User, operation: str, key: str) -> tuple[int, dict[str, Any]] | None:
    """(status, body) of the first answer to `operation` with `key`, or None when this key did not do it first."""
    row = FirstAnswer.objects.filter(user=user, operation=operation, idempotency_key=key).first()
    return (row.status, row.body) if row is not None else None

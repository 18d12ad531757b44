"""The Idempotency-Key header, read the same way by every endpoint that takes one."""

import re
from typing import Any

from ninja import Header
from ninja.errors import HttpError

from credits.services.arguments import MAX_KEY_LENGTH

# The ledger stores keys in a 200-character column (credits.services.arguments.MAX_KEY_LENGTH). Endpoints put their
# own namespace in front of the client's key ("api:", "tutor-unlock:"), so the client gets what is left after the
# longest such prefix this project allows.
PREFIX_ROOM = 40
IDEMPOTENCY_KEY_MAX_LENGTH = MAX_KEY_LENGTH - PREFIX_ROOM
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

"""Checks on what callers pass in: a wrong argument is a bug in the caller, said loudly before anything is locked."""

from credits.exceptions import InvalidCreditsRequest
from credits.models import IDEMPOTENCY_KEY_LENGTH

MAX_REFERENCE_LENGTH = 200


def require_amount(amount: int, *, allow_negative: bool = False) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidCreditsRequest(f"An amount of credits is a whole number, not {amount!r}.")
    if amount == 0 or (amount < 0 and not allow_negative):
        raise InvalidCreditsRequest(f"The amount must be {'non-zero' if allow_negative else 'positive'}: {amount}.")
    return amount


def require_text(value: str, *, name: str, max_length: int | None = None, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidCreditsRequest(f"{name} must be text, not {type(value).__name__}.")
    value = value.strip()
    if required and not value:
        raise InvalidCreditsRequest(f"{name} is required.")
    if max_length is not None and len(value) > max_length:
        raise InvalidCreditsRequest(f"{name} is longer than {max_length} characters.")
    return value


def require_reason(reason: str) -> str:
    return require_text(reason, name="The reason")


def require_key(idempotency_key: str) -> str:
    return require_text(idempotency_key, name="The idempotency key", max_length=IDEMPOTENCY_KEY_LENGTH)


def require_reference(reference: str, *, required: bool = False) -> str:
    return require_text(reference, name="The reference", max_length=MAX_REFERENCE_LENGTH, required=required)

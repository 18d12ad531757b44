"""Reads about accounts."""

from typing import Any

from accounts.models import User


def signed_in_user(user: Any) -> User | None:
    """The user when someone is signed in (`request.user`, or what an API's auth resolved), else None."""
    return user if isinstance(user, User) and user.is_authenticated else None

"""Display names: the default one a learner without a name gets, and the names nobody may choose.

A default name must not reveal the account's primary key (how many learners there are, who joined when), and a chosen
name must not pass for another learner's default name or hide its real text behind bidirectional controls.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_NAME_PREFIX = "Learner"
# No 0/O, 1/I/L, U: a code read aloud or copied by hand stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6
# What looks like a default name, once case, width and spacing are ignored: "Learner #2", "learner 7KQ3PX", "Learner2".
_LOOKS_DEFAULT = re.compile(r"^learner\W*(#\W*\w*|\d+|[a-z0-9]{6})$")


def default_display_name(user_pk: int) -> str:
    """The name shown for a learner who chose none: stable, and keyed with SECRET_KEY so it does not reveal the id."""
    digest = hashlib.blake2b(f"display-name:{user_pk}".encode(), key=settings.SECRET_KEY.encode()[:64]).digest()
    number = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        code += CODE_ALPHABET[index]
    return f"{DEFAULT_NAME_PREFIX} {code}"


def display_name_problem(name: str) -> str:
    """Why a learner may not choose this display name, or "" when it is fine."""
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in name):
        return "Use letters, digits and punctuation only: invisible or direction-changing characters are not allowed."
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()
    if _LOOKS_DEFAULT.match(folded):
        return "That looks like the name given to learners who chose none: pick a name of your own."
    return ""


def validate_display_name(name: str) -> None:
    """A Django validator for forms: raises ValidationError with the reason."""
    if problem := display_name_problem(name):
        raise ValidationError(problem, code="display_name")

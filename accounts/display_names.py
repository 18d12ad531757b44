"""Display names: the default one a learner without a name gets, and the names nobody may choose.

A default name must not reveal the account's primary key (how many learners there are, who joined when), and a chosen
name must not pass for another learner's default name, an email address or the site's staff, nor hide its real text
behind bidirectional controls. "Pass for" is judged on what a name looks like: its confusables skeleton (after
Unicode TR39), so a Cyrillic е, a Greek Κ or a combining mark changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from confusable_homoglyphs import confusables
from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_NAME_PREFIX = "Learner"
# No 0/O, 1/I/L, U: a code read aloud or copied by hand stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6
# What looks like a default name, once case, width and spacing are ignored: "Learner #2", "learner 7KQ3PX", "Learner2".
_LOOKS_DEFAULT = re.compile(r"^learner\W*(#\W*\w*|\d+|[a-z0-9]{6})$")
# The same on a skeleton, where 0 reads as o and 1 as l (below).
_SKELETON_LOOKS_DEFAULT = re.compile(r"^learner\W*(#\W*\w*|[\dol]+|[a-z0-9]{6})$")
_LOOKS_LIKE_ADDRESS = re.compile(r"\S@\S+\.\S")
# Names that would pass for the site speaking: kept for staff, who are named by an administrator.
RESERVED_NAMES = ("Admin", "Administrator", "Curator", "Curators", "Moderator", "Staff", "Support", "System")
# Within ASCII, the letters and digits a reader confuses (TR39's prototypes: 0 → O, 1 and I → l, m → rn), compared
# without case: i joins l because a capital I is one.
_ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})


def default_display_name(user_pk: int) -> str:
    """The name shown for a learner who chose none: stable, and keyed with SECRET_KEY so it does not reveal the id."""
    digest = hashlib.blake2b(f"display-name:{user_pk}".encode(), key=settings.SECRET_KEY.encode()[:64]).digest()
    number = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        code += CODE_ALPHABET[index]
    return f"{DEFAULT_NAME_PREFIX} {code}"


@functools.lru_cache(maxsize=4096)
def _ascii_lookalike(char: str) -> str:
    """The ASCII letter or digit this character is drawn like (Unicode's confusables data), or the character itself."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[]) or []
    for entry in found:
        for homoglyph in entry["homoglyphs"]:
            if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
                return homoglyph["c"]
    return char


def name_skeleton(name: str) -> str:
    """What a name looks like, for comparison only: compatibility forms unfolded (NFKD), combining marks dropped, each
    letter of another script replaced by the ASCII letter it is drawn like, case and spacing ignored, and ASCII's own
    look-alikes merged. Two names with one skeleton read the same to a person."""
    letters = []
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.category(char).startswith("M"):
            continue
        letters.append(char if char.isascii() else _ascii_lookalike(char))
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKD", "".join(letters))).strip().casefold()
    return folded.translate(_ASCII_LOOKALIKES).replace("m", "rn")


_RESERVED_SKELETONS = frozenset(re.sub(r"[\W_]", "", name_skeleton(name)) for name in RESERVED_NAMES)


def display_name_problem(name: str) -> str:
    """Why a learner may not choose this display name, or "" when it is fine."""
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in name):
        return "Use letters, digits and punctuation only: invisible or direction-changing characters are not allowed."
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()
    skeleton = name_skeleton(name)
    if _LOOKS_DEFAULT.match(folded) or _SKELETON_LOOKS_DEFAULT.match(skeleton):
        return "That looks like the name given to learners who chose none: pick a name of your own."
    if _LOOKS_LIKE_ADDRESS.search(skeleton):
        return "A display name cannot look like an email address: others would take it for one."
    if re.sub(r"[\W_]", "", skeleton) in _RESERVED_SKELETONS:
        return "That name is kept for the site's staff: pick a name of your own."
    return ""


def validate_display_name(name: str) -> None:
    """A Django validator for forms: raises ValidationError with the reason."""
    if problem := display_name_problem(name):
        raise ValidationError(problem, code="display_name")

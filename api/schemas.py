"""Schemas every router of the API shares."""

from ninja import Schema


class ErrorOut(Schema):
    """Every error the API answers: {"detail": "..."} with the right status."""

    detail: str


# Text fields of request bodies: a NUL character is refused at the edge (PostgreSQL cannot store one), so the
# document says so and generated clients never send one.
NO_NUL_PATTERN = r"^[^\x00]*$"

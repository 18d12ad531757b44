"""Schemas every router of the API shares."""

from ninja import Schema


class ErrorOut(Schema):
    """Every error the API answers: {"detail": "..."} with the right status."""

    detail: str

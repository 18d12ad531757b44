"""What can go wrong answering check questions; views and the API turn these into a message or an HTTP status."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818


class CheckError(Exception):
    """Base class of every check-question error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class CheckNotFound(CheckError):
    """No live check question with this id on a lesson the caller can see."""

    http_status = 404


class ChoiceNotInQuestion(CheckError):
    """The chosen answer is not one of the question's choices: no such choice here, as for any id that names
    nothing (a well-formed request, so not a 400)."""

    http_status = 404

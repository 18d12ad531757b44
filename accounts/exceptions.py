"""Domain errors of the accounts app, turned into a message or a status by the page or API that called."""


class AccountNotErasable(Exception):  # noqa: N818 - the name says what happened
    """This account cannot be erased by the learner or support (staff accounts are closed by an administrator)."""

    http_status = 403  # the API answers it so (api/errors.py)

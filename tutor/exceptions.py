"""What can go wrong with the tutor; views and the API turn these into a message or an HTTP status."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818


class TutorError(Exception):
    """Base class of every tutor error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class UnlockKeyReused(TutorError):
    """The idempotency key belongs to an earlier unlock whose credits were returned; trying again needs a new key."""

    http_status = 409


class NotUnlocked(TutorError):
    """The learner has not unlocked this lesson's explanation (or the credits held for it were returned)."""

    http_status = 403


class FeedbackNotAllowed(TutorError):
    """Only a learner who paid for an explanation may rate or report it."""


class RefundNotAllowed(TutorError):
    """A goodwill refund is for a learner who was charged for the explanation they reported."""


class GenerationRetry(TutorError):
    """A transient backend error: the claim was given back and the task should try again after a pause."""


class QuestionInvalid(TutorError):
    """A question that is empty or longer than the tutor reads."""

    http_status = 400


class QuestionRateLimited(TutorError):
    """The learner asked as many questions as an hour allows."""

    http_status = 429


class QuestionKeyReused(TutorError):
    """The idempotency key belongs to another question."""

    http_status = 409


class QuestionNotFound(TutorError):
    """No such question, or not the learner's own."""

    http_status = 404

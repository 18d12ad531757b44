"""What can go wrong in gamification; views and the API turn these into a message or a status."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818

from gamification.rewards import wait_in_words


class GamificationError(Exception):
    """Base class of every gamification error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class CompletionTooSoon(GamificationError):
    """A lesson without check questions was not open long enough to count as done."""

    http_status = 409

    def __init__(self, *, lesson_title: str, seconds_left: int, not_open: bool = False) -> None:
        self.seconds_left = seconds_left
        self.not_open = not_open  # the lesson is not open at all: its clock has not started
        if not_open:
            message = (
                f"Open “{lesson_title}” first: once it has been open for {wait_in_words(seconds_left)} it can be "
                "marked as done."
            )
        else:
            message = (
                f"Too soon to mark “{lesson_title}” as done: keep it open for another {wait_in_words(seconds_left)}."
            )
        super().__init__(message)


class ChecksLeft(GamificationError):
    """A lesson with check questions completes when they are all answered right; some are not yet."""

    http_status = 409

    def __init__(self, *, lesson_title: str, questions: int, left: int) -> None:
        self.questions = questions
        self.left = left
        super().__init__(
            f"“{lesson_title}” completes when its check question{'s' if questions != 1 else ''} "
            f"{'are' if questions != 1 else 'is'} answered right: {left} of {questions} still to go."
        )


class InvalidDailyGoal(GamificationError):
    """The daily goal is not one of the offered choices."""


class FreezeLimitReached(GamificationError):
    """The learner already holds as many streak freezes as allowed."""


class WeekNotOver(GamificationError):
    """A league week cannot be closed before it ends."""

"""What can go wrong in gamification; views and the API turn these into a message or a status."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818

from gamification.rewards import wait_in_words


class GamificationError(Exception):
    """Base class of every gamification error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class CompletionTooSoon(GamificationError):
    """The lesson was not open long enough to count as done, and no check question was answered right."""

    http_status = 409

    def __init__(
        self, *, lesson_title: str, seconds_left: int, questions_can_help: bool, not_open: bool = False
    ) -> None:
        self.seconds_left = seconds_left
        self.questions_can_help = questions_can_help  # answering the check questions could still open the gate
        self.not_open = not_open  # the lesson is not open at all: its clock has not started
        alternative = ", or answer its check question" if questions_can_help else ""
        if not_open:
            message = (
                f"Open “{lesson_title}” first: once it has been open for {wait_in_words(seconds_left)} it can be "
                f"marked as done{alternative}."
            )
        else:
            message = (
                f"Too soon to mark “{lesson_title}” as done: keep it open for another {wait_in_words(seconds_left)}"
                f"{alternative}."
            )
        super().__init__(message)


class ChoiceNotInQuestion(GamificationError):
    """The chosen answer belongs to another question."""


class InvalidDailyGoal(GamificationError):
    """The daily goal is not one of the offered choices."""


class FreezeLimitReached(GamificationError):
    """The learner already holds as many streak freezes as allowed."""


class WeekNotOver(GamificationError):
    """A league week cannot be closed before it ends."""

"""What can go wrong when adding or polling a source; commands and the admin turn these into messages."""

# ruff: noqa: N818


class IngestError(Exception):
    """Base class of the pipeline's errors."""


class SourceConflict(IngestError):
    """A source with this name already reads another feed."""


class MaterialRetry(IngestError):
    """Material could not be fetched this time (a transient failure): the task tries again after ``countdown`` s."""

    def __init__(self, message: str, *, countdown: float = 0.0) -> None:
        super().__init__(message)
        self.countdown = countdown

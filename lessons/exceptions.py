"""What can go wrong in the catalog; views and the API turn these into a 404 or a message."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818


class LessonsError(Exception):
    """Base class of every catalog error."""


class LessonNotFound(LessonsError):
    """No lesson with this slug or id is visible to this user (missing, or a draft for a non-staff user)."""


class CourseNotFound(LessonsError):
    """No course with this slug."""


class LessonNotAvailable(LessonsError):
    """The lesson is not published, so a learner cannot record progress on it."""


class LessonNotIncoming(LessonsError):
    """The lesson is not in a state this curation step applies to (publishing a rejected one, rejecting a
    published one)."""


class SourceNameTaken(LessonsError):
    """A source of this name already reads another feed."""

"""What can go wrong in the catalog; views and the API turn these into a 404 or a message."""

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818


class LessonsError(Exception):
    """Base class of every catalog error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class LessonNotFound(LessonsError):
    """No lesson with this slug or id is visible to this user (missing, or a draft for a non-staff user)."""

    http_status = 404


class CourseNotFound(LessonsError):
    """No course with this slug."""

    http_status = 404


class SkillNotFound(LessonsError):
    """No skill with this slug."""

    http_status = 404


class LessonNotAvailable(LessonsError):
    """The lesson is not published, so a learner cannot record progress on it."""

    http_status = 404


class LessonNotIncoming(LessonsError):
    """The lesson is not in a state this curation step applies to (publishing a rejected one, rejecting a
    published one)."""

    http_status = 409


class SourceNameTaken(LessonsError):
    """A source of this name already reads another feed."""

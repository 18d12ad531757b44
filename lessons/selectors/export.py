"""The catalog part of a learner's data export."""

from __future__ import annotations

from accounts.models import User
from lessons.models import Enrollment, LessonProgress, MaterialRequest


def export_for(*, user: User) -> dict[str, object]:
    """The catalog part of the learner's data export: courses, progress per lesson, transcripts asked for."""
    enrollments = Enrollment.objects.filter(user=user).select_related("course").order_by("created", "id")
    progress = LessonProgress.objects.filter(user=user).select_related("lesson").order_by("id")
    requests = MaterialRequest.objects.filter(user=user).select_related("lesson").order_by("created", "id")
    return {
        "enrollments": [
            {"course": row.course.slug, "title": row.course.title, "enrolled_at": row.created.isoformat()}
            for row in enrollments
        ],
        "progress": [
            {
                "lesson": row.lesson.slug,
                "title": row.lesson.title,
                "started_at": row.started_at.isoformat() if row.started_at else None,
                "opened_at": row.opened_at.isoformat() if row.opened_at else None,
                "completed_at": row.completed_at.isoformat() if row.completed_at else None,
                "source": row.source,
            }
            for row in progress
        ],
        "transcript_requests": [
            {"lesson": row.lesson.slug, "title": row.lesson.title, "requested_at": row.created.isoformat()}
            for row in requests
        ],
    }

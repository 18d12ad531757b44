"""A learner asking for the transcript of a lesson that lacks one: free, once per learner and lesson."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from lessons.exceptions import LessonNotAvailable
from lessons.models import Lesson, MaterialRequest


def material_request_create(*, user: User, lesson: Lesson) -> tuple[MaterialRequest, bool]:
    """Record that the learner wants the lesson's transcript; asking again returns the first request (created=False).
    Raises LessonNotAvailable for a lesson learners cannot see."""
    if not lesson.is_published:
        raise LessonNotAvailable(lesson.slug)
    existing = MaterialRequest.objects.filter(user=user, lesson=lesson).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint: the same learner's second request at once meets the unique constraint and reads the first.
        with transaction.atomic():
            return MaterialRequest.objects.create(user=user, lesson=lesson), True
    except IntegrityError:
        return MaterialRequest.objects.get(user=user, lesson=lesson), False

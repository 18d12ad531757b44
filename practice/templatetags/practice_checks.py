"""`{% lesson_checks lesson as items %}`: the lesson's live check questions with the learner's answers."""

from typing import Any

from django import template

from lessons.models import Lesson
from practice.selectors import QuestionView, lesson_checks_for

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_checks(context: Any, lesson: Lesson) -> list[QuestionView]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return lesson_checks_for(user=user, lesson=lesson)

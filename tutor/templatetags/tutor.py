"""`{% tutor_block lesson %}`: the lesson page's AI tutor block, for whoever is looking at it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from core.page_cache import fresh_key
from lessons.models import Lesson
from tutor.models import Question
from tutor.selectors import UnlockedLesson, question_html, tutor_panel_get, unlocked_lessons_for

register = template.Library()


@register.inclusion_tag("tutor/_block.html", takes_context=True)
def tutor_block(context: template.Context, lesson: Lesson) -> dict[str, Any]:
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    # The header's lazy wallet summary (credits.context_processors): the balance is read once per page.
    summary = context.get("credits_summary") if signed_in else None
    return {
        # The chapters the lesson page lists (its slot's context): the coverage line needs no query of its own.
        "panel": tutor_panel_get(user=user, lesson=lesson, summary=summary, chapters=context.get("chapters")),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        # A fresh key per rendered page: a double click or a resent form reuses it, so the credits move once.
        "unlock_key": fresh_key(context.get("request"), "unlock"),
        "question_key": fresh_key(context.get("request"), "question"),
    }


@register.filter
def answer_html(question: Question) -> str:
    """`{{ question|answer_html }}`: the tutor's answer as sanitised HTML (safe to output as is)."""
    return mark_safe(question_html(question))  # noqa: S308 - sanitised by markdown_render (nh3)


@register.simple_tag
def unlocked_lessons(user: Any) -> list[UnlockedLesson]:
    """`{% unlocked_lessons user as unlocked %}`: the learner's unlocked explanations for /me/ (one query)."""
    if user is None or not user.is_authenticated:
        return []
    return unlocked_lessons_for(user=user)

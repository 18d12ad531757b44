"""The lesson page in two parts: a body every learner sees the same, rendered once per content version and kept in
the cache, and the learner's own parts, small and rendered for each request into the body's holes.

The body (lessons/_lesson_body.html) marks each learner part with `{% learner_part %}`, which writes an HTML comment
("<!--learner:marks:42-->"): autoescaped text never contains "<!--", so only the template can make one. The parts:

- course: the breadcrumb of the course the learner follows through this lesson (or the one in ``?course=``);
- up_next: that course's next lesson, else the curated or closest related lesson (rendered with the body);
- marks:<lesson id>: the learner's started/completed marks on the lesson and on each card in the aside;
- slot:<name>: what the apps above lessons show there (lessons/slots.py): the tutor, checking and completing.

Staff see drafts, so their body is rendered each time and never kept. The key holds the day as well as the
content version: the body shows ages ("3d ago") that change at midnight.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.selectors import signed_in_user
from core.content_version import content_version
from core.page_cache import cache_call, cached_or_computed
from lessons.models import Lesson
from lessons.selectors import course_followed_get, course_up_next, learner_parts_get, lesson_detail_get
from lessons.slots import lesson_slot_templates

_HOLE = re.compile(r"<!--learner:(\w+):([\w-]*)-->")


def hole(name: str, arg: object = "") -> SafeString:
    return mark_safe(f"<!--learner:{name}:{arg}-->")  # noqa: S308 - made of our own names and ids


@dataclass(frozen=True)
class SharedBody:
    lesson: Lesson  # without its prefetched rows: what the learner parts read (pk, slug, level, price, status)
    html: str
    up_next_html: str  # the up-next card when no course decides it ("" when there is none)
    lesson_ids: tuple[int, ...]  # every lesson the body shows marks for
    chapters: tuple[Any, ...] = ()  # the lesson's chapters (ChapterLink), for the slots: what the page lists


def _shared_body_render(*, slug: str, user: Any) -> SharedBody:
    """Raises LessonNotFound. ``user`` only decides what is visible (staff see drafts); no learner data is read."""
    detail = lesson_detail_get(
        slug=slug, user=user if getattr(user, "is_staff", False) else AnonymousUser(), preview=True
    )
    lesson = detail.lesson
    up_next = detail.up_next
    html = render_to_string("lessons/_lesson_body.html", {"detail": detail, "lesson": lesson})
    up_next_html = render_to_string("lessons/_up_next.html", {"up_next": up_next}) if up_next else ""
    ids = (lesson.pk, *(card.lesson.pk for card in detail.related), *((up_next.card.lesson.pk,) if up_next else ()))
    lesson._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    lesson.__dict__.pop("related_rows", None)
    return SharedBody(
        lesson=lesson, html=html, up_next_html=up_next_html, lesson_ids=ids, chapters=tuple(detail.chapters)
    )


def shared_body_get(*, slug: str, user: Any) -> SharedBody:
    """The lesson's shared body, from the cache when this content version has it. Raises LessonNotFound."""
    if getattr(user, "is_staff", False):
        return _shared_body_render(slug=slug, user=user)
    version = cache_call(content_version)
    if version is None:
        return _shared_body_render(slug=slug, user=AnonymousUser())
    key = f"lesson-body:{version.token}:{timezone.localdate().isoformat()}:{slug}"
    return cached_or_computed(
        key, lambda: _shared_body_render(slug=slug, user=AnonymousUser()), timeout=settings.PAGE_CACHE_SECONDS
    )


@functools.cache
def _marks_html(started: bool, completed: bool) -> str:
    """The marks of one lesson: the same few strings every time, rendered once per process."""
    return get_template("lessons/_marks.html").render({"card": {"started": started, "completed": completed}})


def lesson_page_body(*, request: HttpRequest, slug: str, course_slug: str | None) -> tuple[Lesson, SafeString]:
    """The lesson page's body for whoever asks, and its lesson. Raises LessonNotFound."""
    user = request.user
    shared = shared_body_get(slug=slug, user=user)
    lesson = shared.lesson
    learner = signed_in_user(user)
    own = learner_parts_get(user=learner, lesson=lesson, lesson_ids=shared.lesson_ids) if learner else None
    course, position, length, next_card = course_followed_get(
        lesson=lesson,
        user=user,
        course_slug=course_slug,
        enrolled_course_ids=own.enrolled_course_ids if own is not None else None,
    )
    parts: dict[str, str] = {"course": "", "up_next": shared.up_next_html}
    marks = dict(own.marks) if own is not None else {}
    if course is not None:
        context = {"course": course, "position": position, "length": length}
        parts["course"] = render_to_string("lessons/_course_breadcrumb.html", context)
        if next_card is not None:
            up_next = course_up_next(course=course, position=position, length=length, card=next_card)
            parts["up_next"] = render_to_string("lessons/_up_next.html", {"up_next": up_next})
            marks[next_card.lesson.pk] = (next_card.started, next_card.completed)
    slot_context = {"lesson": lesson, "course": course, "chapters": shared.chapters}

    def filled(match: re.Match[str]) -> str:
        name, arg = match[1], match[2]
        if name == "marks":
            return _marks_html(*marks.get(int(arg), (False, False)))
        if name == "slot":
            return _slot_part(arg, request, slot_context)
        # Our own templates' parts, whose marks are holes too; the slots' output is never read for holes.
        return _HOLE.sub(filled, parts[name])

    return lesson, mark_safe(_HOLE.sub(filled, shared.html))  # noqa: S308 - our templates' output in our holes


def _slot_part(slot: str, request: HttpRequest, context: dict[str, Any]) -> str:
    return "".join(get_template(name).render(context, request) for name in lesson_slot_templates(slot))

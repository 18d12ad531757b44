"""Pages and small JSON endpoints of the catalog: thin, each calls one selector or service and renders."""

from __future__ import annotations

import json
import re
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import signed_in_user
from core.content_version import content_version
from core.htmx import fragment_or_redirect, sign_in_first
from core.learner_pages import learner_page
from core.page_cache import shared_page
from lessons import page_parts, selectors, services
from lessons.exceptions import CourseNotFound, LessonNotAvailable, LessonNotFound, SkillNotFound
from lessons.forms import CatalogFilterForm

_SLUG = re.compile(r"^[-a-z0-9_]{1,200}$")
MERGE_BODY_MAX_BYTES = 64 * 1024
MATERIAL_REQUESTED = "You asked for this lesson's transcript. Curators see the lessons learners ask for first."


@require_safe
@shared_page(version=content_version)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/home.html", {"home": selectors.home_get(user=request.user)})


@require_safe
@shared_page(version=content_version)
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None, choices=selectors.catalog_filter_choices())
    filters = form.filters() if request.GET else selectors.CatalogFilters()
    result = selectors.catalog_page_get(user=request.user, filters=filters, page=request.GET.get("page"))
    return render(request, "lessons/catalog.html", {"form": form, "filters": filters, "result": result})


@require_safe
@shared_page(version=content_version)
@learner_page(version=content_version)
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        lesson, body = page_parts.lesson_page_body(request=request, slug=slug, course_slug=request.GET.get("course"))
    except LessonNotFound:
        raise Http404("No such lesson.") from None
    return render(request, "lessons/lesson_detail.html", {"lesson": lesson, "body": body})


@require_safe
def lesson_by_id(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Stable links by id (the credits statement's "unlock:lesson:42") lead to the lesson's page."""
    try:
        lesson = selectors.lesson_get_visible(pk=pk, user=request.user)
    except LessonNotFound:
        raise Http404("No such lesson.") from None
    return redirect(lesson.get_absolute_url())


@require_POST
def lesson_started(request: HttpRequest, slug: str) -> JsonResponse:
    """A signed-in learner opened the lesson's link or a chapter (the page's script posts here)."""
    user = signed_in_user(request.user)
    if user is None:
        return JsonResponse({"detail": "Sign in to save progress to your account."}, status=401)
    try:
        lesson = selectors.lesson_published_get(slug=slug)
        progress, created = services.lesson_start(user=user, lesson=lesson)
    except (LessonNotFound, LessonNotAvailable):
        return JsonResponse({"detail": "No such lesson."}, status=404)
    started_at = progress.started_at.isoformat() if progress.started_at else None  # set by lesson_start
    return JsonResponse(
        {"slug": lesson.slug, "started_at": started_at, "completed": progress.is_completed},
        status=201 if created else 200,
    )


@require_POST
def progress_merge(request: HttpRequest) -> JsonResponse:
    """Lessons a visitor opened in this browser before signing in: ``{"lessons": {slug: ISO time}}``."""
    user = signed_in_user(request.user)
    if user is None:
        return JsonResponse({"detail": "Sign in to save progress to your account."}, status=401)
    if len(request.body) > MERGE_BODY_MAX_BYTES:
        return JsonResponse({"detail": "Too many lessons in one request."}, status=413)
    try:
        payload = json.loads(request.body or b"{}")
        lessons = payload.get("lessons") if isinstance(payload, dict) else None
        if not isinstance(lessons, dict):
            raise ValueError("lessons must be an object")
    except ValueError:
        return JsonResponse({"detail": 'Send {"lessons": {"<slug>": "<ISO time>"}}.'}, status=400)
    entries = {slug: _aware_or_none(at) for slug, at in lessons.items() if isinstance(slug, str) and _SLUG.match(slug)}
    merged = services.progress_merge(user=user, entries=entries)
    return JsonResponse({"merged": merged})


def _aware_or_none(value: object) -> datetime | None:
    """A browser's ISO time with its zone, else None (then the merge uses now)."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and timezone.is_aware(parsed) else None


@require_safe
@shared_page(version=content_version)
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        detail = selectors.course_detail_get(slug=slug, user=request.user)
    except CourseNotFound:
        raise Http404("No such course.") from None
    return render(request, "lessons/course_detail.html", {"detail": detail, "course": detail.course})


@require_safe
@shared_page(version=content_version)
def skills_index(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/skills.html", {"skills": selectors.skills_list()})


@require_safe
@shared_page(version=content_version)
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        detail = selectors.skill_detail_get(slug=slug, user=request.user)
    except SkillNotFound:
        raise Http404("No such skill.") from None
    return render(request, "lessons/skill_detail.html", {"detail": detail, "skill": detail.skill})


@require_POST
def course_enrol(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        course = selectors.course_get(slug=slug)
    except CourseNotFound:
        raise Http404("No such course.") from None
    user = signed_in_user(request.user)
    if user is None:
        return sign_in_first(request, next_url=course.get_absolute_url())
    _, created = services.course_enroll(user=user, course=course)
    if created:
        messages.success(request, f"You are enrolled in “{course.title}”. Your progress shows here and on My courses.")
    else:
        messages.info(request, f"You were already enrolled in “{course.title}”.")
    return redirect(course.get_absolute_url())


@require_POST
def material_request(request: HttpRequest, slug: str) -> HttpResponse:
    """A learner asks for the transcript of a lesson that lacks one (free, once): htmx gets the button's new state."""
    try:
        lesson = selectors.lesson_published_get(slug=slug)
    except (LessonNotFound, LessonNotAvailable):
        raise Http404("No such lesson.") from None
    back = f"{lesson.get_absolute_url()}#tutor"
    user = signed_in_user(request.user)
    if user is None:
        return sign_in_first(request, next_url=back)
    services.material_request_create(user=user, lesson=lesson)
    return fragment_or_redirect(
        request,
        fragment=lambda: render(request, "lessons/_material_request.html", {"lesson": lesson, "requested": True}),
        redirect_to=back,
        notices=[MATERIAL_REQUESTED],
    )


@require_safe
@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request.user)
    assert user is not None  # login_required
    return render(request, "lessons/my_courses.html", {"courses": selectors.my_courses_list(user=user)})

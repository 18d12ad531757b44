"""Curation admin (staff only): every catalog model, chapter and course-order inlines, publishing, and the importer."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from lessons import services
from lessons.chapters import chapters_parse
from lessons.forms import LessonImportForm
from lessons.material_changes import lesson_material_changed
from lessons.models import (
    Category,
    Chapter,
    Course,
    CourseLesson,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonSkill,
    MaterialRequest,
    RelatedLesson,
    Skill,
    Source,
)
from lessons.slots import lesson_admin_actions, lesson_admin_tools

# Links typed without a scheme are taken as https (Django 6's default; silences 5.2's warning).
URL_FIELDS_HTTPS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


def _preview_link(obj: Lesson | Course) -> str:
    return format_html('<a href="{}" target="_blank" rel="noopener">View on site ↗</a>', obj.get_absolute_url())


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "icon", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("name", "kind", "url")
    list_filter = ("kind",)
    search_fields = ("name", "url")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "lesson_count")
    search_fields = ("name", "slug", "description", "keywords")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("categories",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Skill]:
        return super().get_queryset(request).annotate(lessons=Count("lesson_skills"))

    @admin.display(description="Lessons", ordering="lessons")
    def lesson_count(self, obj: Skill) -> int:
        return getattr(obj, "lessons", 0)


class LessonSkillInline(admin.TabularInline):
    """A lesson's skills with their weights; "suggested" rows came from the lesson's words and category and are
    confirmed by saving them with the box cleared."""

    model = LessonSkill
    fields = ("skill", "weight", "suggested")
    autocomplete_fields = ("skill",)
    ordering = ("-weight",)
    extra = 0


class ChapterInline(admin.TabularInline):
    model = Chapter
    fields = ("start_seconds", "title", "position")
    ordering = ("start_seconds",)
    extra = 0


class CuratedRelatedInline(admin.TabularInline):
    model = RelatedLesson
    fk_name = "lesson"
    fields = ("related", "position")
    autocomplete_fields = ("related",)
    ordering = ("position", "id")
    extra = 0
    verbose_name = "curated related lesson"
    verbose_name_plural = "related lessons picked by a curator (shown first)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RelatedLesson]:
        return super().get_queryset(request).filter(curated=True)


class ComputedRelatedInline(admin.TabularInline):
    """What the similarity found, for reference: recomputed after each save, so not editable here."""

    model = RelatedLesson
    fk_name = "lesson"
    fields = ("related", "score", "position")
    readonly_fields = ("related", "score", "position")
    ordering = ("position", "id")
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "computed related lesson"
    verbose_name_plural = "related lessons found by similarity (recomputed after saving)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RelatedLesson]:
        return super().get_queryset(request).filter(curated=False).select_related("related")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TranscriptRequestedFilter(admin.SimpleListFilter):
    """Lessons learners asked the transcript of (lessons/models.py MaterialRequest), and whether they have one now."""

    title = "transcript requested"
    parameter_name = "transcript_requested"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("waiting", "Requested, no transcript yet"), ("yes", "Requested"), ("no", "Not requested")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> QuerySet[Lesson]:
        # The count is LessonAdmin.get_queryset's annotation (Q, since the type checker knows only the model's fields).
        requested = Q(transcript_request_total__gt=0)
        if self.value() == "waiting":
            return queryset.filter(requested, transcript="")
        if self.value() == "yes":
            return queryset.filter(requested)
        if self.value() == "no":
            return queryset.filter(~requested)
        return queryset


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    change_list_template = "admin/lessons/lesson/change_list.html"
    change_form_template = "admin/lessons/lesson/change_form.html"  # offers lessons.slots' admin tools
    list_display = (
        "title",
        "status",
        "kind",
        "level",
        "category",
        "source",
        "published_at",
        "chapter_count",
        "transcript_requests",
        "preview",
    )
    list_filter = ("status", TranscriptRequestedFilter, "kind", "level", "category", "source")
    list_select_related = ("category", "source")
    search_fields = ("title", "slug", "summary", "description", "authors")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("source", "category", "up_next")
    readonly_fields = ("preview", "created", "updated", "identity_key", "curator_edited_at")
    inlines = (LessonSkillInline, ChapterInline, CuratedRelatedInline, ComputedRelatedInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "preview")}),
        ("The work", {"fields": ("external_url", "kind", "source", "authors", "published_at", "duration_seconds")}),
        ("For learners", {"fields": ("summary", "level", "category", "description", "transcript", "unlock_price")}),
        ("Up next", {"fields": ("up_next", "up_next_reason")}),
        ("Record", {"fields": ("created", "updated", "identity_key", "curator_edited_at"), "classes": ("collapse",)}),
    )

    @property
    def actions(self) -> tuple[Any, ...]:  # type: ignore[override]
        """Ours, then those the apps above add (lessons.slots.lesson_admin_action_add), read when a list is shown."""
        return ("publish", "unpublish", "chapters_from_description", *lesson_admin_actions())

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        context["lesson_admin_tools"] = lesson_admin_tools()
        return super().render_change_form(request, context, *args, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        # A subquery, not a second join: the two counts would multiply each other.
        requests = (
            MaterialRequest.objects.filter(lesson=OuterRef("pk"))
            .order_by()
            .values("lesson")
            .annotate(total=Count("pk"))
            .values("total")
        )
        # Annotated before ordering (ModelAdmin.get_queryset orders first), since the ordering names the count.
        lessons = Lesson.objects.get_queryset().annotate(
            chapter_total=Count("chapters"),
            transcript_request_total=Coalesce(Subquery(requests, output_field=IntegerField()), Value(0)),
        )
        return lessons.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> Any:
        # The list shows the lessons learners asked the transcript of first, the most asked first. Only the list:
        # other lists of lessons (a foreign key's choices) have no request count to order by.
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "lessons_lesson_changelist":
            return ("-transcript_request_total", "-published_at", "-id")
        return super().get_ordering(request)

    @admin.display(description="chapters", ordering="chapter_total")
    def chapter_count(self, obj: Lesson) -> int:
        return getattr(obj, "chapter_total", 0)

    @admin.display(description="transcript requests", ordering="transcript_request_total")
    def transcript_requests(self, obj: Lesson) -> int:
        return getattr(obj, "transcript_request_total", 0)

    @admin.display(description="preview")
    def preview(self, obj: Lesson) -> str:
        return _preview_link(obj) if obj.pk else "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A curator's hand on a lesson a source brought in: later polls must leave it as the curator left it.
        if change and form.instance.identity_key and (form.has_changed() or any(f.has_changed() for f in formsets)):
            services.lesson_curator_edited(lesson=form.instance)
        # After the inlines, so the recompute sees the chapters as saved; it runs in the worker after commit.
        services.related_recompute_enqueue(lesson_id=form.instance.pk)
        # Whoever reads the material (check questions) looks whether it changed, after commit too.
        if form.instance.status == Lesson.Status.PUBLISHED:
            lesson_material_changed(lesson_ids=[form.instance.pk])

    @admin.action(description="Publish the selected lessons")
    def publish(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        changed = services.lessons_publish(lessons=queryset, published=True)
        self.message_user(request, f"Published {changed} lesson{'s' if changed != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected lessons (back to draft)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        changed = services.lessons_publish(lessons=queryset, published=False)
        self.message_user(request, f"Unpublished {changed} lesson{'s' if changed != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Replace chapters with those parsed from the description")
    def chapters_from_description(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> TemplateResponse | None:
        """Curated chapters are work: first a page showing what would be replaced by what, then the replacement."""
        lessons = list(queryset.annotate(chapter_total=Count("chapters")))
        if request.POST.get("confirm") != "yes":
            plans = [
                {"lesson": lesson, "current": lesson.chapter_total, "parsed": chapters_parse(lesson.description)}
                for lesson in lessons
            ]
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Replace chapters?",
                "plans": plans,
                "action": "chapters_from_description",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/lessons/lesson/chapters_confirm.html", context)
        for lesson in lessons:
            count = services.chapters_replace(lesson=lesson, chapters=chapters_parse(lesson.description))
            self.message_user(request, f"“{lesson.title}” now has {count} chapters.", messages.SUCCESS)
        return None

    def get_urls(self) -> list[URLPattern]:
        urls: list[URLPattern] = [
            path("import/", self.admin_site.admin_view(self.import_view), name="lessons_lesson_import"),
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse | HttpResponseRedirect:
        """Import a lesson from its URL and pasted description, as a draft, and open it for editing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LessonImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            imported = services.lesson_import(**form.cleaned_data)
            note = " (the last chapter's title was cut off in the pasted text and is kept as it is)"
            self.message_user(
                request,
                f"Imported “{imported.lesson.title}” with {imported.chapter_count} chapters"
                f"{note if imported.last_chapter_truncated else ''}. It is a draft until you publish it.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:lessons_lesson_change", args=[imported.lesson.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a lesson",
            "form": form,
        }
        return TemplateResponse(request, "admin/lessons/lesson/import.html", context)


class CourseLessonInline(admin.TabularInline):
    model = CourseLesson
    fields = ("position", "lesson")
    autocomplete_fields = ("lesson",)
    ordering = ("position", "id")
    extra = 1


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "lesson_count", "enrolment_count", "preview")
    list_filter = ("level",)
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview",)
    inlines = (CourseLessonInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return (
            super()
            .get_queryset(request)
            .annotate(lesson_total=Count("course_lessons", distinct=True), enrolled=Count("enrollments", distinct=True))
        )

    @admin.display(description="lessons", ordering="lesson_total")
    def lesson_count(self, obj: Course) -> int:
        return getattr(obj, "lesson_total", 0)

    @admin.display(description="enrolments", ordering="enrolled")
    def enrolment_count(self, obj: Course) -> int:
        return getattr(obj, "enrolled", 0)

    @admin.display(description="preview")
    def preview(self, obj: Course) -> str:
        return _preview_link(obj) if obj.pk else "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Positions may tie or leave gaps after a reorder; renumber 1..n in the order the curator gave.
        services.course_positions_normalise(course=form.instance)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("lesson", "start_seconds", "title")
    search_fields = ("title", "lesson__title")
    list_select_related = ("lesson",)
    autocomplete_fields = ("lesson",)


@admin.register(RelatedLesson)
class RelatedLessonAdmin(admin.ModelAdmin):
    list_display = ("lesson", "related", "curated", "position", "score")
    list_filter = ("curated",)
    search_fields = ("lesson__title", "related__title")
    list_select_related = ("lesson", "related")
    autocomplete_fields = ("lesson", "related")


@admin.register(CourseLesson)
class CourseLessonAdmin(admin.ModelAdmin):
    list_display = ("course", "position", "lesson")
    list_filter = ("course",)
    search_fields = ("course__title", "lesson__title")
    list_select_related = ("course", "lesson")
    autocomplete_fields = ("course", "lesson")


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "created")
    list_filter = ("course",)
    search_fields = ("user__email", "course__title")
    list_select_related = ("user", "course")
    raw_id_fields = ("user",)
    date_hierarchy = "created"


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "started_at", "completed_at", "source")
    list_filter = ("source", ("completed_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "lesson__title")
    list_select_related = ("user", "lesson")
    raw_id_fields = ("user", "lesson")
    date_hierarchy = "started_at"

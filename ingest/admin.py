"""The curator's side of sources: the Incoming queue (publish, reject, merge) and sources with their health."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from ingest.models import TRANSCRIPT_CUT, IncomingLesson, MaterialFetch, MaterialStatus
from ingest.selectors import incoming_queryset, sources_with_health
from ingest.services import material_fetch_enqueue, material_fetch_request
from lessons.admin import URL_FIELDS_HTTPS, ChapterInline
from lessons.exceptions import LessonNotIncoming
from lessons.models import Lesson, LessonStatus, RelatedLesson, Source
from lessons.services import (
    incoming_lessons_publish,
    lesson_curator_edited,
    lesson_merge,
    lesson_reject,
    sources_poll_schedule,
)

logger = logging.getLogger(__name__)


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Slug of the lesson to merge into",
        max_length=200,
        help_text="It gains the material, transcript and chapters it lacks; the selected items are rejected as merged.",
    )

    def clean_into(self) -> Lesson:
        slug = self.cleaned_data["into"].strip()
        lesson = Lesson.objects.filter(slug=slug, status__in=(LessonStatus.PUBLISHED, LessonStatus.DRAFT)).first()
        if lesson is None:
            raise forms.ValidationError("No published or draft lesson has this slug.")
        return lesson


@admin.register(IncomingLesson)
class IncomingLessonAdmin(admin.ModelAdmin):
    """Lessons sources brought in, newest first: check the suggestions and the material found, then decide."""

    formfield_overrides = URL_FIELDS_HTTPS
    # What a curator decides on first, so the list fits beside the sidebar at 1280 px; the suggested summary, the
    # related lessons and the original link are in the item.
    list_display = (
        "title",
        "source",
        "suggestion",
        "suggested_level",
        "material_found",
        "created",
    )
    list_filter = ("source", "kind")
    list_select_related = ("source", "suggested_category")
    ordering = ("-created", "-pk")
    search_fields = ("title", "authors", "external_url")
    actions = ("publish_incoming", "reject_incoming", "merge_incoming")
    inlines = (ChapterInline,)
    autocomplete_fields = ("category",)
    readonly_fields = (
        "source",
        "identity_key",
        "suggested_category",
        "suggested_level",
        "suggested_summary",
        "confidence",
        "created",
        "original",
        "material_found",
        "chapter_count",
        "related",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "status")}),
        (
            "The work",
            {"fields": ("original", "external_url", "kind", "source", "authors", "published_at", "duration_seconds")},
        ),
        ("What the source brought", {"fields": ("material_found", "chapter_count", "related")}),
        ("Suggested", {"fields": ("suggested_category", "suggested_level", "confidence", "suggested_summary")}),
        ("For learners", {"fields": ("summary", "level", "category", "description")}),
        ("Record", {"fields": ("identity_key", "created"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        computed = RelatedLesson.objects.filter(curated=False).select_related("related").order_by("position")
        return (
            incoming_queryset()
            .select_related("material_fetch")
            .prefetch_related(Prefetch("related_links", queryset=computed, to_attr="computed_related"))
            .annotate(chapter_total=Count("chapters"))
        )

    @admin.display(description="confidence", ordering="suggestion_confidence")
    def confidence(self, obj: Lesson) -> str:
        """How sure the category and level suggestion is, and why there is none when it is too unsure."""
        value = obj.suggestion_confidence
        if value is None:
            return "—"
        if obj.suggested_category_id is None:  # below INGEST_SUGGESTION_MIN_CONFIDENCE when it was polled
            return f"{value:.0%}: reads like no lesson, nothing suggested"
        return f"{value:.0%}"

    @admin.display(description="suggested category", ordering="suggestion_confidence")
    def suggestion(self, obj: Lesson) -> str:
        """The suggested category with its confidence, in one column so the list still fits at 1280 px."""
        if obj.suggestion_confidence is None:
            return str(obj.suggested_category or "—")
        return f"{obj.suggested_category or 'none'} · {self.confidence(obj)}"

    @admin.display(description="related lessons")
    def related(self, obj: Lesson) -> str:
        titles = [Truncator(row.related.title).chars(50) for row in getattr(obj, "computed_related", [])[:2]]
        return "; ".join(titles) or "—"

    @admin.display(description="chapters", ordering="chapter_total")
    def chapter_count(self, obj: Lesson) -> int:
        return getattr(obj, "chapter_total", 0)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Edited by hand: later polls leave it as the curator left it.
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            lesson_curator_edited(lesson=form.instance)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="material found")
    def material_found(self, obj: Lesson) -> str:
        parts = []
        if getattr(obj, "transcript_chars", 0):
            parts.append("transcript")
        if chars := getattr(obj, "material_chars", 0):
            parts.append(f"text, {chars:,} chars")
        try:
            job: MaterialFetch | None = obj.material_fetch
        except MaterialFetch.DoesNotExist:
            job = None
        if job is not None and job.status == MaterialStatus.PENDING:
            parts.append("fetching…")
        elif job is not None and job.error:
            parts.append(f"problem: {Truncator(job.error).chars(80)}")
        return "; ".join(parts) or "—"

    @admin.display(description="original")
    def original(self, obj: Lesson) -> str:
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">Open ↗</a>', obj.external_url)

    # Deciding changes the lessons: the change permission, as the curation API requires (api/curation.py).
    @admin.action(
        description="Publish the selected lessons (with the suggested category and summary where empty)",
        permissions=["change"],
    )
    def publish_incoming(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        done = incoming_lessons_publish(lessons=queryset)
        self.message_user(request, f"Published {done} lesson{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Reject the selected lessons (they never come back)", permissions=["change"])
    def reject_incoming(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        done = sum(1 for lesson in queryset if _quietly(lesson_reject, lesson=lesson))
        self.message_user(request, f"Rejected {done} lesson{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Merge the selected lessons into an existing lesson…", permissions=["change"])
    def merge_incoming(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> HttpResponse | None:
        form = MergeForm(request.POST if "into" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["into"]
            with transaction.atomic():
                for lesson in queryset:
                    lesson_merge(lesson=lesson, into=target)
            self.message_user(request, f"Merged {queryset.count()} into “{target.title}”.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Merge incoming lessons into an existing lesson",
            "form": form,
            "lessons": list(queryset),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/ingest/merge.html", context)


def _quietly(service: Any, **kwargs: Any) -> bool:
    try:
        return bool(service(**kwargs))
    except LessonNotIncoming:
        return False


admin.site.unregister(Source)


@admin.register(Source)
class SourceHealthAdmin(admin.ModelAdmin):
    """The catalog's sources, and for polled ones their health: last poll, last error, items of the last 7 days."""

    formfield_overrides = URL_FIELDS_HTTPS

    list_display = (
        "name",
        "kind",
        "feed_format",
        "enabled",
        "health",
        "last_polled_at",
        "next_poll_at",
        "items_last_week",
        "waiting",
    )
    list_filter = ("kind", "feed_format", "enabled")
    search_fields = ("name", "url", "feed_url")
    autocomplete_fields = ("default_category",)
    readonly_fields = (
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_poll_notes",
        "transcripts_cut",
        "consecutive_failures",
        "etag",
        "last_modified",
    )
    actions = ("poll_now",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "url")}),
        (
            "Polling",
            {
                "fields": (
                    "feed_url",
                    "feed_format",
                    "enabled",
                    "poll_interval_minutes",
                    "default_category",
                    "default_level",
                    "next_poll_at",
                )
            },
        ),
        (
            "Health",
            {
                "fields": (
                    "last_polled_at",
                    "last_success_at",
                    "consecutive_failures",
                    "last_error",
                    "last_poll_notes",
                    "transcripts_cut",
                    "etag",
                    "last_modified",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return sources_with_health(super().get_queryset(request))

    @admin.display(description="health")
    def health(self, obj: Source) -> str:
        if not obj.feed_url:
            return "not polled"
        if obj.last_error:
            return format_html('<span title="{}">⚠ {}</span>', obj.last_error, Truncator(obj.last_error).chars(70))
        if obj.last_polled_at is None:
            return "not polled yet"
        cuts = [obj.last_poll_notes] if obj.last_poll_notes else []
        if count := self.transcripts_cut(obj):
            cuts.append(f"{count} transcript{'s' if count != 1 else ''} cut ({TRANSCRIPT_CUT})")
        if cuts:
            text = "; ".join(cuts)
            return format_html('<span title="{}">✓ OK, with cuts: {}</span>', text, Truncator(text).chars(90))
        return "✓ OK"

    @admin.display(description="transcripts cut")
    def transcripts_cut(self, obj: Source) -> int:
        return int(getattr(obj, "transcripts_cut", 0) or 0)

    @admin.display(description="items, last 7 days", ordering="items_last_week")
    def items_last_week(self, obj: Source) -> int:
        return getattr(obj, "items_last_week", 0)

    @admin.display(description="waiting in the queue", ordering="items_waiting")
    def waiting(self, obj: Source) -> str:
        count = getattr(obj, "items_waiting", 0)
        if not count:
            return "0"
        url = reverse("admin:ingest_incominglesson_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.action(description="Poll now (in the background)")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        from ingest.tasks import source_poll_task

        polled = list(queryset.exclude(feed_url="").values_list("pk", flat=True))
        # Due now: if the broker is down, the beat's sweep still finds them as soon as it is back.
        sources_poll_schedule(source_ids=polled, at=timezone.now())
        for source_id in polled:
            try:
                source_poll_task.delay(source_id)
            except Exception:  # a broker outage: the sweep polls them once it is back
                logger.warning("poll now: could not queue source %s; the sweep will", source_id)
        skipped = queryset.count() - len(polled)
        note = f" ({skipped} without a feed skipped)" if skipped else ""
        self.message_user(
            request,
            f"Polling {len(polled)} source(s) in the background{note}; reload to see their health.",
            messages.SUCCESS,
        )


# --- Material of lessons: what was fetched, and why not ------------------------------------------------------------


@admin.action(description="Fetch captions (and missing material) in the background", permissions=["change"])
def fetch_captions(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
    """Offered on the lessons' list (lessons.slots): a job per lesson that lacks something a fetch can bring, run by
    the worker on the pipeline's budgets and backoff; what it finds fills what the lesson lacks."""
    asked = material_fetch_request(lessons=queryset.order_by("pk"))
    queued = [entry.fetch_id for entry in asked if entry.fetch_id is not None and not entry.note]
    material_fetch_enqueue(fetch_ids=queued)
    if queued:
        plural = "s" if len(queued) != 1 else ""
        modeladmin.message_user(
            request,
            f"Fetching captions and material for {len(queued)} lesson{plural} in the background; each lesson's "
            "“Material and captions” link says what was found, or why nothing was.",
            messages.SUCCESS,
        )
    for entry in asked:
        if entry.note:
            modeladmin.message_user(request, f"“{entry.lesson.title}”: {entry.note}.", messages.WARNING)


@admin.register(MaterialFetch)
class MaterialFetchAdmin(admin.ModelAdmin):
    """Each lesson's material job: what it fetches, its state, and for a video what became of its captions."""

    list_display = ("lesson", "status", "captions_state", "attempts", "retry_at", "finished_at", "problem")
    list_filter = ("status",)
    list_select_related = ("lesson",)
    search_fields = ("lesson__title", "lesson__slug", "video_url", "article_url", "transcript_url")
    ordering = ("-pk",)
    fields = (
        "lesson",
        "status",
        "captions",
        "error",
        "video_url",
        "article_url",
        "transcript_url",
        "chapters_url",
        "attempts",
        "retry_at",
        "enqueued_at",
        "claimed_at",
        "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="captions")
    def captions_state(self, obj: MaterialFetch) -> str:
        if not obj.video_url:
            return "—"
        if obj.captions:
            warning = "⚠ " if obj.captions.startswith("unavailable") else "✓ "
            return warning + obj.captions
        return "fetching…" if obj.status == MaterialStatus.PENDING else "—"

    @admin.display(description="problem")
    def problem(self, obj: MaterialFetch) -> str:
        return Truncator(obj.error).chars(120) if obj.error else "—"

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "lesson/<int:lesson_id>/",
                self.admin_site.admin_view(self.lesson_material_view),
                name="ingest_lesson_material",
            )
        ]
        return own + super().get_urls()

    def lesson_material_view(self, request: HttpRequest, lesson_id: int) -> HttpResponseRedirect:
        """From a lesson's admin page: its material job, or the empty list when it never had one."""
        job_id = MaterialFetch.objects.filter(lesson_id=lesson_id).values_list("pk", flat=True).first()
        if job_id is None:
            return HttpResponseRedirect(
                reverse("admin:ingest_materialfetch_changelist") + f"?lesson__id__exact={lesson_id}"
            )
        return HttpResponseRedirect(reverse("admin:ingest_materialfetch_change", args=[job_id]))

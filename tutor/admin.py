"""Curation of explanations: by status and by number of reports, with text, backend, timings and tokens; actions to
regenerate, edit and approve, refund a reported one; and a transcript upload for a lesson."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Avg, Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.read_only_admin import NoAddOrDeleteMixin, ReadOnlyAdmin, ReadOnlyInline
from lessons.models import Lesson
from tutor import services
from tutor.exceptions import RefundNotAllowed
from tutor.forms import TranscriptForm
from tutor.models import ConceptTerm, Explanation, Question, Rating, Report, Unlock
from tutor.selectors import explanation_html, question_html


def _count(model: type[Report] | type[Unlock]) -> Coalesce:
    rows = model.objects.filter(explanation=OuterRef("pk")).order_by().values("explanation")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ("user", "reason", "comment", "created_at", "refund_entry")
    readonly_fields = fields


@admin.register(Explanation)
class ExplanationAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    # No add (explanations are asked for by unlocks and written by the worker), no delete (learners paid for them).
    list_display = (
        "lesson",
        "version",
        "status",
        "is_current",
        "written_with",
        "report_count",
        "rating_average",
        "unlock_count",
        "attempts",
        "tokens",
        "generation_seconds",
        "created_at",
        "approved",
    )
    list_filter = ("status", "backend", ("retired_at", admin.EmptyFieldListFilter), "edited")
    search_fields = ("lesson__title", "lesson__slug")
    list_select_related = ("lesson",)
    ordering = ("-id",)
    actions = ("regenerate", "approve")
    inlines = (ReportInline,)
    readonly_fields = (
        "lesson",
        "version",
        "status",
        "fingerprint",
        "backend",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "attempts",
        "error",
        "claimed_by",
        "claimed_at",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "generation_seconds",
        "retired_at",
        "replaces",
        "edited",
        "edited_by",
        "edited_at",
        "approved_by",
        "approved_at",
        "rendered",
    )
    fieldsets = (
        (None, {"fields": ("lesson", "version", "status", "error", "retired_at", "replaces")}),
        ("Text", {"fields": ("markdown", "rendered")}),
        (
            "How it was written",
            {
                "fields": (
                    "backend",
                    "model",
                    "prompt_tokens",
                    "completion_tokens",
                    "attempts",
                    "claimed_by",
                    "created_at",
                    "enqueued_at",
                    "started_at",
                    "claimed_at",
                    "finished_at",
                    "generation_seconds",
                    "fingerprint",
                )
            },
        ),
        ("Review", {"fields": ("edited", "edited_by", "edited_at", "approved_by", "approved_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Explanation]:
        ratings = Rating.objects.filter(explanation=OuterRef("pk")).order_by().values("explanation")
        return (
            super()
            .get_queryset(request)
            .annotate(
                report_total=_count(Report),
                unlock_total=_count(Unlock),
                rating_mean=Subquery(ratings.annotate(mean=Avg("stars")).values("mean")),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Explanation | None = None) -> tuple[str, ...]:
        if obj is not None and obj.is_ready:
            return self.readonly_fields
        return (*self.readonly_fields, "markdown")

    @admin.display(description="current", boolean=True)
    def is_current(self, obj: Explanation) -> bool:
        return obj.retired_at is None

    @admin.display(description="written with", ordering="backend")
    def written_with(self, obj: Explanation) -> str:
        return f"{obj.backend} · {obj.model}" if obj.backend else "—"

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, obj: Explanation) -> int:
        return getattr(obj, "report_total", 0)

    @admin.display(description="rating", ordering="rating_mean")
    def rating_average(self, obj: Explanation) -> str:
        mean = getattr(obj, "rating_mean", None)
        return f"{mean:.1f}★" if mean is not None else "—"

    @admin.display(description="unlocks", ordering="unlock_total")
    def unlock_count(self, obj: Explanation) -> int:
        return getattr(obj, "unlock_total", 0)

    @admin.display(description="tokens (prompt + answer)")
    def tokens(self, obj: Explanation) -> str:
        return f"{obj.prompt_tokens} + {obj.completion_tokens}" if obj.prompt_tokens or obj.completion_tokens else "—"

    @admin.display(description="time to write")
    def generation_seconds(self, obj: Explanation) -> str:
        duration = obj.duration
        return f"{duration.total_seconds():.1f} s" if duration is not None else "—"

    @admin.display(description="approved", boolean=True, ordering="approved_at")
    def approved(self, obj: Explanation) -> bool:
        return obj.approved_at is not None

    @admin.display(description="as learners see it")
    def rendered(self, obj: Explanation) -> str:
        html = explanation_html(obj) if obj.is_ready else explanation_html(obj, partial=True)
        # markdown_render cleans the HTML with nh3 and keeps only the lesson's own links: safe to show as it is.
        return format_html('<div class="tutor-text">{}</div>', mark_safe(html)) if html else "—"  # noqa: S308

    def save_model(self, request: HttpRequest, obj: Explanation, form: Any, change: bool) -> None:
        # Only the text is editable, and only through the service that records who edited it.
        if change and "markdown" in form.changed_data:
            original = Explanation.objects.get(pk=obj.pk)
            try:
                services.explanation_edit(explanation=original, markdown=obj.markdown, editor=request.user)  # type: ignore[arg-type]
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)

    @admin.action(description="Regenerate: write a new version (learners who paid keep theirs)")
    def regenerate(self, request: HttpRequest, queryset: QuerySet[Explanation]) -> None:
        lessons = Lesson.objects.filter(pk__in=queryset.values("lesson_id"))
        for lesson in lessons:
            new = services.explanation_regenerate(lesson=lesson)
            self.message_user(request, f"“{lesson.title}”: version {new.version} is queued.", messages.SUCCESS)

    @admin.action(description="Approve: I read it and it is right")
    def approve(self, request: HttpRequest, queryset: QuerySet[Explanation]) -> None:
        approved = 0
        for explanation in queryset:
            try:
                services.explanation_approve(explanation=explanation, approver=request.user)  # type: ignore[arg-type]
                approved += 1
            except ValueError as error:
                self.message_user(request, f"{explanation}: {error}", messages.WARNING)
        if approved:
            self.message_user(request, f"{approved} approved.", messages.SUCCESS)

    # --- Transcript upload for a lesson (the lesson admin links here) ---------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        upload = self.admin_site.admin_view(self.transcript_view)
        return [path("transcript/<int:lesson_id>/", upload, name="tutor_transcript_upload"), *super().get_urls()]

    def transcript_view(self, request: HttpRequest, lesson_id: int) -> HttpResponse | HttpResponseRedirect:
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        if not request.user.has_perm("lessons.change_lesson"):
            messages.error(request, "You need permission to change lessons to attach a transcript.")
            return redirect("admin:index")
        form = TranscriptForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            segments = services.lesson_transcript_attach(lesson=lesson, raw=form.cleaned_data["transcript"])
            self.message_user(
                request,
                f"Transcript of “{lesson.title}” saved ({segments} segments). The next unlock gets an explanation "
                "that quotes it; learners who already unlocked keep theirs.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Transcript of “{lesson.title}”",
            "lesson": lesson,
            "form": form,
            "opts": Lesson._meta,
            "has_transcript": bool(lesson.transcript),
        }
        return TemplateResponse(request, "admin/tutor/transcript_upload.html", context)


@admin.register(Report)
class ReportAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    list_display = ("explanation", "user", "reason", "short_comment", "created_at", "refunded")
    list_filter = ("reason", ("refund_entry", admin.EmptyFieldListFilter))
    search_fields = ("explanation__lesson__title", "user__email", "comment")
    list_select_related = ("explanation__lesson", "user")
    readonly_fields = ("user", "explanation", "reason", "comment", "created_at", "refund_entry", "refunded_by")
    actions = ("refund_goodwill",)

    @admin.display(description="comment")
    def short_comment(self, obj: Report) -> str:
        return obj.comment if len(obj.comment) <= 80 else f"{obj.comment[:79]}…"

    @admin.display(description="refunded", boolean=True)
    def refunded(self, obj: Report) -> bool:
        return obj.refund_entry_id is not None

    @admin.action(description="Goodwill refund: give the reporter back the ⚡ they paid")
    def refund_goodwill(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        if not request.user.has_perm("credits.adjust_credits"):
            self.message_user(request, "You need the permission to adjust credits.", messages.ERROR)
            return
        for report in queryset:
            try:
                entry = services.report_refund(report=report, admin=request.user)  # type: ignore[arg-type]
            except RefundNotAllowed as error:
                self.message_user(request, f"{report.user}: {error}", messages.WARNING)
                continue
            self.message_user(request, f"{report.user}: ⚡{entry.amount} refunded.", messages.SUCCESS)


@admin.register(Unlock)
class UnlockAdmin(ReadOnlyAdmin):
    """Read-only: who unlocked what, and what happened to their credits (the hold is the truth)."""

    list_display = ("user", "lesson", "status", "hold_state", "explanation", "created_at", "settled_at")
    list_filter = ("status",)
    search_fields = ("user__email", "lesson__title")
    list_select_related = ("user", "lesson", "hold", "explanation")
    readonly_fields = ("user", "lesson", "explanation", "hold", "status", "created_at", "settled_at")

    @admin.display(description="credits")
    def hold_state(self, obj: Unlock) -> str:
        return obj.hold.get_status_display() if obj.hold is not None else "free"


@admin.register(Question)
class QuestionAdmin(NoAddOrDeleteMixin, admin.ModelAdmin):
    """Learners' questions and the tutor's answers, for curators to read; reports and ratings are filterable."""

    list_display = ("text", "lesson", "user", "status", "found", "free", "stars", "report_reason", "created_at")
    list_filter = ("status", "found", "free", "report_reason", "stars")
    search_fields = ("text", "lesson__title", "user__email")
    list_select_related = ("lesson", "user")
    readonly_fields = [field.name for field in Question._meta.fields] + ["answer"]
    date_hierarchy = "created_at"

    @admin.display(description="Answer as the learner sees it")
    def answer(self, obj: Question) -> str:
        return mark_safe(question_html(obj))  # noqa: S308 - sanitised by markdown_render (nh3)


@admin.register(ConceptTerm)
class ConceptTermAdmin(admin.ModelAdmin):
    """The concept index (rebuilt by the tutor's sweep when lessons change): read-only."""

    list_display = ("term", "key", "lesson", "subject")
    list_filter = ("subject",)
    search_fields = ("term", "key", "lesson__title")
    list_select_related = ("lesson",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

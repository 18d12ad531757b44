"""Admin: curators' check questions, per lesson, with their choices inline; approve or drop generated ones.

A question's status decides whether learners see it: live questions show and count towards completing the lesson,
drafts wait for a curator (generated ones start as drafts when CHECKS_LIVE_AT_ONCE is off), dropped ones are gone
for learners but keep the answers already given. Approving and dropping go through practice's service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from practice.models import CheckChoice, CheckQuestion, QuestionStatus
from practice.services import check_questions_status_set


class CheckChoiceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
        ]
        if len(kept) < 2:
            raise ValidationError("A question needs at least two answers to choose from.")
        if not any(data.get("is_correct") for data in kept):
            raise ValidationError("Mark at least one answer as correct.")


class CheckChoiceInline(admin.TabularInline):
    model = CheckChoice
    formset = CheckChoiceFormSet
    extra = 3
    fields = ("position", "text", "is_correct", "explanation")


@admin.register(CheckQuestion)
class CheckQuestionAdmin(admin.ModelAdmin):
    list_display = ("prompt", "lesson", "origin", "status", "kind", "position", "choice_count")
    list_filter = ("status", "origin", "kind")
    list_select_related = ("lesson",)
    search_fields = ("prompt", "lesson__title", "lesson__slug")
    ordering = ("lesson__title", "position", "id")
    raw_id_fields = ("lesson",)
    readonly_fields = ("material_digest", "created_at")
    fieldsets = (
        (None, {"fields": ("lesson", "prompt", "status", "position")}),
        ("Where it comes from", {"fields": ("origin", "kind", "passage", "start_seconds", "explanation")}),
        ("Generated", {"fields": ("material_digest", "created_at"), "classes": ("collapse",)}),
    )
    inlines = (CheckChoiceInline,)
    actions = ("approve", "drop")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CheckQuestion]:
        return super().get_queryset(request).annotate(choices_total=Count("choices"))

    @admin.display(description="answers", ordering="choices_total")
    def choice_count(self, obj: CheckQuestion) -> int:
        return getattr(obj, "choices_total", 0)

    @admin.action(description="Approve: live for learners")
    def approve(self, request: HttpRequest, queryset: QuerySet[CheckQuestion]) -> None:
        changed = check_questions_status_set(
            questions=queryset.values_list("pk", flat=True), status=QuestionStatus.LIVE
        )
        self.message_user(request, f"{changed} question{'s' if changed != 1 else ''} live.", messages.SUCCESS)

    @admin.action(description="Drop: hide from learners")
    def drop(self, request: HttpRequest, queryset: QuerySet[CheckQuestion]) -> None:
        changed = check_questions_status_set(
            questions=queryset.values_list("pk", flat=True), status=QuestionStatus.DROPPED
        )
        self.message_user(request, f"{changed} question{'s' if changed != 1 else ''} dropped.", messages.SUCCESS)

"""Forms: the catalog's filters (GET) and the admin's "Import a lesson" form."""

from __future__ import annotations

from typing import Any

from django import forms

from lessons.models import Category, Level, Source
from lessons.search import QUERY_MAX_LENGTH
from lessons.selectors import CatalogFilters, FilterChoices


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=QUERY_MAX_LENGTH)
    course = forms.ChoiceField(label="Course", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    source = forms.ChoiceField(label="Source", required=False)
    skill = forms.ChoiceField(label="Skill", required=False)

    def __init__(self, *args: Any, choices: FilterChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", "Any")]
        self.fields["course"].choices = any_choice + choices.courses  # type: ignore[attr-defined]
        self.fields["category"].choices = any_choice + choices.categories  # type: ignore[attr-defined]
        self.fields["level"].choices = any_choice + choices.levels  # type: ignore[attr-defined]
        self.fields["source"].choices = any_choice + choices.sources  # type: ignore[attr-defined]
        self.fields["skill"].choices = any_choice + choices.skills  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": "Words in titles and descriptions"})

    def filters(self) -> CatalogFilters:
        """The valid filters; a value that is not a choice (an old link, a typo) is dropped, not an error page."""
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) or "" for name in ("q", "course", "category", "level", "source", "skill")
        }
        return CatalogFilters(
            q=data["q"].strip(),
            course=data["course"],
            category=data["category"],
            level=data["level"],
            source=int(data["source"]) if data["source"] else None,
            skill=data["skill"],
        )


class LessonImportForm(forms.Form):
    url = forms.URLField(label="URL", max_length=1000, assume_scheme="https", help_text="The video, episode or page.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the description as published: timestamps (00:00 Intro 01:17 …) become chapters.",
    )
    title = forms.CharField(
        required=False, max_length=300, help_text="Leave empty to start from the description's first sentence."
    )
    summary = forms.CharField(required=False, max_length=300, help_text="One line: “Learn to …”.")
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, help_text="Leave empty to recognise it from the URL."
    )
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    level = forms.ChoiceField(choices=Level.choices, initial=Level.BEGINNER)

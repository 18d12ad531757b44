"""Forms of the tutor block (unlock, rate, report) and of the admin (edit an explanation, upload a transcript)."""

from __future__ import annotations

from django import forms

from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.models import QUESTION_LENGTH_MAX, ReportReason

TRANSCRIPT_MAX_BYTES = 2 * 1024 * 1024  # an hour of captions is ~100 KB; this leaves room and refuses a video file


class UnlockForm(forms.Form):
    # Made when the page renders: a double click or a resent form carries the same key, so credits move once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class QuestionForm(forms.Form):
    question = forms.CharField(max_length=QUESTION_LENGTH_MAX, label="Your question")
    # A fresh key per rendered form: a double click or a resent form is the same question, charged once.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label="Rate this explanation",
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=ReportReason.choices, widget=forms.RadioSelect, label="What is wrong with it?")
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Tell us more (optional)"
    )


class TranscriptForm(forms.Form):
    file = forms.FileField(
        required=False, label="Caption file", help_text="WebVTT (.vtt), SubRip (.srt) or plain text (.txt)."
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        label="…or paste it",
        help_text="Pasted from YouTube's “Show transcript”, with or without times, or a caption file's content.",
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        text = str(cleaned.get("text") or "")
        if upload is not None:
            if upload.size > TRANSCRIPT_MAX_BYTES:
                raise forms.ValidationError("That file is over 2 MB: a transcript is text, not the recording.")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("That file is not UTF-8 text.") from None
        if not text.strip():
            raise forms.ValidationError("Upload a caption file or paste the transcript.")
        try:
            segments = transcript_parse(text)
        except TranscriptFormatError as error:
            raise forms.ValidationError(f"The transcript cannot be read: {error}.") from None
        if not segments:
            raise forms.ValidationError("There is no text in that transcript.")
        cleaned["transcript"] = text
        cleaned["segments"] = len(segments)
        return cleaned

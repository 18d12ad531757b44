"""The admin's "adjust credits" form: an amount either way, a reason for the learner, a key against double posts."""

import uuid

from django import forms

from credits.models import CALLER_KEY_MAX_LENGTH


class CreditsAdjustForm(forms.Form):
    amount = forms.IntegerField(
        help_text="Credits to add (positive) or take away (negative). Taking away never goes below what is available.",
        min_value=-1_000_000,
        max_value=1_000_000,
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain words; the learner reads this on their statement.",
    )
    # Made when the form is shown: a double click or a resubmitted page posts the same key and moves nothing twice.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=CALLER_KEY_MAX_LENGTH)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"idempotency_key": f"admin-adjust:{uuid.uuid4()}"})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("Enter a number of credits other than zero.")
        return amount

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why, in words the learner will understand.")
        return reason

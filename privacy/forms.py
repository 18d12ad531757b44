"""The erasure form: what the learner types to show it is really them, and really meant."""

from django import forms


class EraseForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Leave empty if you signed in within the last few minutes.",
    )
    confirm = forms.BooleanField(
        label="I understand that my account, progress, XP and badges are erased for good.", required=True
    )

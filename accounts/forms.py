"""Forms for the learner's own account settings."""

from django import forms

from accounts.display_names import validate_display_name
from accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "time_zone"]
        widgets = {"time_zone": forms.Select(attrs={"data-guess-time-zone": "true"})}

    def clean_display_name(self) -> str:
        name = (self.cleaned_data.get("display_name") or "").strip()
        validate_display_name(name)
        return name


class SignupExtraForm(forms.Form):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: the optional display name asked at sign-up."""

    display_name = forms.CharField(
        max_length=40,
        required=False,
        validators=[validate_display_name],
        help_text="Shown on leaderboards. Optional; you can change it later.",
    )

    def signup(self, request, user: User) -> None:
        # The adapter already copied display_name onto the user; allauth requires this hook to exist.
        return None

"""The learner's account settings page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.services import user_profile_update


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(
                user=request.user,  # type: ignore[arg-type]
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as refused:
            request.user.refresh_from_db()  # type: ignore[union-attr]
            form.add_error(None, refused)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("account_settings")
    return render(request, "accounts/settings.html", {"form": form})

"""allauth adapter: fills in what our user model adds (display name) when someone signs up."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=False)
        display_name = (form.cleaned_data.get("display_name") or "").strip() if hasattr(form, "cleaned_data") else ""
        user.display_name = display_name[:40]
        if commit:
            user.save()
        return user

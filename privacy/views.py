"""The learner's data pages: take a copy of everything (`/me/data/`), or erase the account (`/me/delete/`)."""

import json
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.exceptions import AccountNotErasable
from accounts.models import User
from accounts.reauthentication import owner_confirmed, signed_in_recently
from privacy.forms import EraseForm
from privacy.services import account_erase, account_export


def export_response(document: dict, *, user_id: int) -> HttpResponse:
    """The export as a JSON file to download."""
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"learn-data-{user_id}-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        return export_response(account_export(user=user), user_id=user.pk)
    return render(request, "privacy/data.html")


def sign_in_again_links(request: HttpRequest, *, user: User) -> list[tuple[str, str]]:
    """Where a learner without a password proves it is them: each connected provider, and their passkeys."""
    back = reverse("privacy:delete")
    links = []
    for account in SocialAccount.objects.filter(user=user).order_by("id"):
        provider = account.get_provider(request)
        links.append((provider.name, provider.get_login_url(request, process="reauthenticate", next=back)))
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists():
        links.append(("a passkey", f"{reverse('mfa_reauthenticate_webauthn')}?{urlencode({'next': back})}"))
    return links


@login_required
@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        if not owner_confirmed(request=request, user=user, password=password, session=request.session):
            form.add_error(
                "password" if password else None,
                "That password is not right." if password else "Enter your password, or sign in again first.",
            )
        else:
            try:
                account_erase(user=user)
            except AccountNotErasable as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                messages.success(request, "Your account is erased. Thank you for learning with us.")
                return redirect("home")
    context = {
        "form": form,
        "has_password": user.has_usable_password(),
        "recent": signed_in_recently(user=user, session=request.session),
        "sign_in_again": sign_in_again_links(request, user=user),
    }
    # A refused erasure shows the form again with its message, as any form does: a 200, not an error page.
    return render(request, "privacy/delete.html", context)

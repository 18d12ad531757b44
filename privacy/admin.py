"""Support requests in the admin: export a learner's data or erase their account from the user list, and the audit
line of every export and erasure (read-only)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.admin import UserAdmin
from accounts.exceptions import AccountNotErasable
from accounts.models import User
from privacy.models import AccountRequest
from privacy.services import account_erase, account_export
from privacy.views import export_response


@admin.action(description="Export the selected learner's data (JSON)")
def export_data(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
    if queryset.count() != 1:
        modeladmin.message_user(request, "Export one account at a time.", messages.WARNING)
        return None
    user = queryset.get()
    return export_response(account_export(user=user, actor=request.user), user_id=user.pk)  # type: ignore[arg-type]


@admin.action(description="Erase the selected accounts (keeps the ledger, anonymised)")
def erase_accounts(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
    if request.POST.get("confirmed") != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase these accounts?",
            "users": list(queryset),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/privacy/erase_confirmation.html", context)
    erased = 0
    for user in queryset:
        try:
            account_erase(user=user, actor=request.user)  # type: ignore[arg-type]
        except AccountNotErasable as error:
            modeladmin.message_user(request, f"{user.email}: {error}", messages.ERROR)
        else:
            erased += 1
    modeladmin.message_user(request, f"Erased {erased} account(s); their ledgers are kept under anonymous owners.")
    return None


admin.site.unregister(User)


@admin.register(User)
class SupportUserAdmin(UserAdmin):
    actions = [export_data, erase_accounts]


@admin.register(AccountRequest)
class AccountRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "subject_id", "by_learner", "actor", "owner")
    list_filter = ("kind", "by_learner")
    search_fields = ("subject_id",)
    readonly_fields = ("created_at", "kind", "subject_id", "by_learner", "actor", "owner")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccountRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccountRequest | None = None) -> bool:
        return False

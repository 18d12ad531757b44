"""Admin for the ledger: wallets, entries and holds are read-only; credits move only through the "adjust" form."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.models import User
from core.read_only_admin import ReadOnlyAdmin, ReadOnlyMixin
from credits.forms import CreditsAdjustForm
from credits.models import Hold, LedgerEntry, Wallet
from credits.services import CreditsError, credits_adjust


class LedgerEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = LedgerEntry
    fk_name = "wallet"
    fields = ("created_at", "kind", "amount", "balance_after", "reason", "reference", "created_by")
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    max_num = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = "latest ledger entries"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        # A wallet's whole history can be long; the entries list (filtered by this user) shows the rest.
        ids = list(super().get_queryset(request).order_by("-id").values_list("id", flat=True)[:20])
        return super().get_queryset(request).filter(id__in=ids).select_related("created_by")


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "held", "available_display", "updated_at", "adjust_link")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__display_name")
    readonly_fields = ("user", "balance", "held", "available_display", "created_at", "updated_at", "adjust_link")
    fields = readonly_fields
    ordering = ("-updated_at",)
    inlines = (LedgerEntryInline,)

    @admin.display(description="available")
    def available_display(self, wallet: Wallet) -> int:
        return wallet.available

    @admin.display(description="adjust")
    def adjust_link(self, wallet: Wallet) -> str:
        url = reverse("admin:credits_wallet_adjust", args=[wallet.pk])
        return format_html('<a href="{}">Adjust credits</a>', url)

    def get_urls(self) -> list[URLPattern]:
        adjust = path(
            "<int:wallet_id>/adjust/",
            self.admin_site.admin_view(self.adjust_view),
            name="credits_wallet_adjust",
        )
        return [adjust, *super().get_urls()]

    def adjust_view(self, request: HttpRequest, wallet_id: int) -> HttpResponse:
        if not request.user.has_perm("credits.adjust_credits"):
            raise PermissionDenied
        wallet = get_object_or_404(Wallet.objects.select_related("user"), pk=wallet_id)
        form = CreditsAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            admin_user = request.user
            assert isinstance(admin_user, User)
            try:
                entry = credits_adjust(
                    user=wallet.user,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    admin=admin_user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except CreditsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Adjusted {wallet.user} by {entry.amount:+d} credits; balance now ⚡{entry.balance_after}.",
                )
                return HttpResponseRedirect(reverse("admin:credits_wallet_change", args=[wallet.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Adjust credits for {wallet.user}",
            "opts": self.model._meta,
            "wallet": wallet,
            "form": form,
        }
        return TemplateResponse(request, "admin/credits/wallet/adjust.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "user_email", "kind", "amount", "balance_after", "reason", "reference")
    list_filter = ("kind", "created_at")
    list_select_related = ("wallet__user",)
    search_fields = ("wallet__user__email", "reference", "idempotency_key")
    readonly_fields = (
        "wallet",
        "kind",
        "amount",
        "balance_after",
        "reason",
        "reference",
        "idempotency_key",
        "reverses",
        "created_at",
        "created_by",
    )
    fields = readonly_fields
    ordering = ("-id",)
    show_full_result_count = False  # counting a long ledger on every page is the slowest part of the list

    @admin.display(description="user", ordering="wallet__user__email")
    def user_email(self, entry: LedgerEntry) -> str:
        return entry.wallet.user.email


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "user_email", "amount", "status", "reference", "expires_at")
    list_filter = ("status", "created_at")
    list_select_related = ("wallet__user",)
    search_fields = ("wallet__user__email", "reference", "idempotency_key")
    readonly_fields = (
        "wallet",
        "amount",
        "status",
        "reason",
        "reference",
        "idempotency_key",
        "created_at",
        "expires_at",
        "captured_at",
        "captured_entry",
        "released_at",
        "release_reason",
    )
    fields = readonly_fields
    ordering = ("-id",)

    @admin.display(description="user", ordering="wallet__user__email")
    def user_email(self, hold: Hold) -> str:
        return hold.wallet.user.email

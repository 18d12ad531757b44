"""Admin for purchases: packs are edited freely; purchases and Stripe events are read-only, with one action that asks
Stripe about a purchase whose webhook was lost."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.read_only_admin import ReadOnlyAdmin, ReadOnlyMixin
from purchases.models import CreditPack, Purchase, StripeEvent
from purchases.money import money_display
from purchases.services import purchase_check_with_stripe


@admin.register(CreditPack)
class CreditPackAdmin(admin.ModelAdmin):
    """Packs are the one thing here staff edit freely: a purchase keeps its own copy of credits and price."""

    list_display = ("name", "slug", "credits", "price_display", "currency", "active", "order", "sold")
    list_editable = ("active", "order")
    list_filter = ("active", "currency")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "credits", "price", "currency", "active", "order")
    ordering = ("order", "price")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditPack]:
        return super().get_queryset(request).annotate(sold_count=Count("purchases"))

    @admin.display(description="price")
    def price_display(self, pack: CreditPack) -> str:
        return money_display(pack.price, pack.currency)

    @admin.display(description="purchases", ordering="sold_count")
    def sold(self, pack: CreditPack) -> int:
        return getattr(pack, "sold_count", 0)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A pack somebody bought is retired (active off), never deleted: its purchases point at it.
        if obj is not None and obj.purchases.exists():
            return False
        return super().has_delete_permission(request, obj)


class StripeEventInline(ReadOnlyMixin, admin.TabularInline):
    model = StripeEvent
    fields = ("received_at", "type", "event_id", "status", "outcome")
    readonly_fields = fields
    ordering = ("received_at", "id")
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "user", "pack", "credits", "price_display", "status", "credited_at")
    list_filter = ("status", "pack", "created_at")
    list_select_related = ("user", "pack")
    search_fields = ("user__email", "checkout_session_id", "payment_intent", "charge_id", "dispute_id")
    readonly_fields = (
        "user",
        "pack",
        "credits",
        "price_display",
        "status",
        "created_at",
        "credited_at",
        "credit_entry",
        "checkout_session_id",
        "payment_intent",
        "charge_id",
        "amount_refunded",
        "credits_refunded",
        "dispute_id",
        "dispute_status",
        "credits_disputed",
        "dispute_entry",
        "failure_reason",
        "idempotency_key",
        "updated_at",
    )
    fields = readonly_fields
    ordering = ("-id",)
    inlines = (StripeEventInline,)
    actions = ("check_with_stripe",)

    @admin.display(description="price")
    def price_display(self, purchase: Purchase) -> str:
        return money_display(purchase.price, purchase.currency)

    @admin.action(description="Check with Stripe and credit if paid")
    def check_with_stripe(self, request: HttpRequest, queryset: QuerySet[Purchase]) -> None:
        """The success page's check, for a learner who paid but whose credits never came (a lost webhook)."""
        for purchase in queryset.select_related("pack"):
            result = purchase_check_with_stripe(purchase=purchase)
            messages.info(request, f"Purchase #{purchase.pk}: {result.outcome}")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "type", "event_id", "status", "purchase", "outcome")
    list_filter = ("status", "type", "received_at")
    search_fields = ("event_id", "payment_intent", "outcome")
    readonly_fields = (
        "event_id",
        "type",
        "created",
        "status",
        "outcome",
        "purchase",
        "payment_intent",
        "received_at",
        "processed_at",
        "data_object",
    )
    fields = readonly_fields
    ordering = ("-id",)

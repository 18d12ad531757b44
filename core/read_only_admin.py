"""Admin pages that only show rows: for tables that only an app's services write (ledger, XP, league results)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class NoAddOrDeleteMixin:
    """Rows only the app's services create and nobody deletes (learners paid for them); what the admin's own forms
    and actions may change stays changeable."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoAddOrDeleteMixin):
    """Nobody, superusers included, adds, changes or deletes these rows in the admin."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A change list and read-only pages, nothing more."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Rows shown under their parent, read-only, without links away."""

    extra = 0
    can_delete = False
    show_change_link = False

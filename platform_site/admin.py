"""Admin bases the apps' admin modules share (no model of its own is registered here)."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that shows rows and never adds, changes or deletes one: rows that change only
    through their audited services, and those that never change (the inspection archive, the
    draws' logs, the audit trail; the database refuses those too, whatever the caller)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

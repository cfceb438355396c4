from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from accounts.models import AuditEvent, Department, User


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "department", "roles", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["username", "full_name"]
    readonly_fields = ["password", "last_login", "date_joined"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "target_label"]
    search_fields = ["action", "actor_label", "target_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

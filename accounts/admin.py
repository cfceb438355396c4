"""Every admin here, and every other registered one, is audited (accounts/admin_audit.py)."""

from django.contrib import admin

from accounts.models import AuditEvent, Department, User
from platform_site.admin import ReadOnlyAdmin


# A plain ModelAdmin, not guardian's GuardedModelAdmin: object rights follow the roles through the
# account services, never granted by hand in the admin.
@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "department", "roles", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["username", "full_name"]
    readonly_fields = ["password", "last_login", "date_joined"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from accounts.services import _sync_guardian

        # Roles changed here must carry their object rights, as account_set_roles does.
        _sync_guardian(form.instance)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "target_label"]
    search_fields = ["action", "actor_label", "target_label"]

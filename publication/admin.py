from django.contrib import admin

from publication.models import CalendarDay, CalendarYear


class ReadOnlyAdmin(admin.ModelAdmin):
    """The calendar is changed only through its services (audited, cache-invalidating): on the
    office's calendar page, the API or `manage.py workdays` / `calendar_import`."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "source", "confirmed_by", "confirmed_at"]
    list_filter = ["status", "source"]

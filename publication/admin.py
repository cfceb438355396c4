from django.contrib import admin

from platform_site.admin import ReadOnlyAdmin
from publication.models import CalendarDay, CalendarYear

# The calendar is changed only through its services (audited, cache-invalidating): on the
# office's calendar page, the API or `manage.py workdays` / `calendar_import`.


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

"""Read-only admin views: tasks and draws change only through their audited services (the task
rules also here, audited like every admin change, and on the office's policy page). No admin page shows a witness value or a secret before the
reveal: the sealed secret and the reviews' witness values are left out, and a log entry's data
is shown only once its draw's secret is public."""

import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tasks.models import Draw, DrawLogEntry, DrawReview, Task, TaskPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "lead_department", "status", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["code", "title"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["protocol_task_id", "number", "kind", "state", "announced_at", "drawn_at"]
    list_filter = ["state", "kind"]
    exclude = ["sealed_secret", "candidate_file", "inspector_file", "conflict_file"]


@admin.register(DrawReview)
class DrawReviewAdmin(ReadOnlyAdmin):
    list_display = ["draw", "department", "role", "status", "decided_at"]
    exclude = ["witness_value"]


@admin.register(DrawLogEntry)
class DrawLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["draw", "seq", "type", "actor", "ts", "hash"]
    exclude = ["data"]
    readonly_fields = ["shown_data"]

    @admin.display(description=_("内容"))
    def shown_data(self, entry: DrawLogEntry) -> str:
        if entry.type == "witness" and not entry.draw.is_revealed:
            return str(_("（揭示前不公开）"))
        return json.dumps(entry.data, ensure_ascii=False, sort_keys=True)


@admin.register(TaskPolicy)
class TaskPolicyAdmin(admin.ModelAdmin):
    """The office changes the rules on its policy page (tasks:policy); an operator's change here is
    audited by the admin's audit mixin."""

    list_display = [
        "escalate_after_working_days",
        "low_risk_yearly_limit",
        "clean_result_months",
        "reveal_delay_minutes",
    ]

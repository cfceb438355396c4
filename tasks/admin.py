"""Read-only admin views: tasks and draws change only through their audited services (the task
rules also here, audited like every admin change, and on the office's policy page). No admin page shows a witness value or a secret before the
reveal: the sealed secret and the reviews' witness values are left out, and a log entry's data
is shown only once its draw's secret is public."""

import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from platform_site.admin import ReadOnlyAdmin
from tasks.models import Draw, DrawLogEntry, DrawReview, Task, TaskPolicy


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


# Inspection archive: read-only in the admin like everything above; nothing can be deleted (the
# database refuses it too, migration 0005).
from tasks.inspections.models import (  # noqa: E402
    Attachment,
    CombinedVisit,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
    ResultVersion,
)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["task", "group_id", "inspection_object", "scheduled_on"]
    list_select_related = ["task", "inspection_object"]
    raw_id_fields = ["task", "drawn_object", "inspection_object", "combined_visit"]


@admin.register(InspectionResult)
class InspectionResultAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "status", "version", "due_on", "published_at"]
    list_filter = ["status"]


@admin.register(ResultVersion)
class ResultVersionAdmin(ReadOnlyAdmin):
    list_display = ["result", "number", "approved_at", "retain_until", "content_hash"]


@admin.register(MatterRecord)
class MatterRecordAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "matter", "department", "status"]
    list_filter = ["status"]


@admin.register(FollowUpMeasure)
class FollowUpMeasureAdmin(ReadOnlyAdmin):
    list_display = ["result", "kind", "department", "status", "deadline_on"]
    list_filter = ["kind", "status"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "uploaded_at"]
    exclude = ["file"]  # served only through the permission-checked download view


@admin.register(CombinedVisit)
class CombinedVisitAdmin(ReadOnlyAdmin):
    list_display = ["inspection_object", "visit_on", "status"]

"""Read-mostly admin: changes go through the services (and the audit trail), not the admin."""

from django.contrib import admin

from plans.models import (
    DepartmentSubmission,
    MergeProposal,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
)
from platform_site.admin import ReadOnlyAdmin


@admin.register(PlanYear)
class PlanYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "submission_deadline", "approval_deadline", "current_version"]


@admin.register(PlanItem)
class PlanItemAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "plan_year",
        "department",
        "status",
        "window_start_month",
        "window_end_month",
    ]
    list_filter = ["plan_year", "department", "status"]
    search_fields = ["title"]


@admin.register(DepartmentSubmission)
class DepartmentSubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "plan_year",
        "department",
        "status",
        "is_late",
        "submitted_at",
        "submission_count",
    ]


@admin.register(MergeProposal)
class MergeProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "plan_year",
        "lead_department",
        "status",
        "window_start_month",
        "window_end_month",
    ]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan_year", "number", "status", "approved_at", "published_at"]


@admin.register(PeakSeason)
class PeakSeasonAdmin(ReadOnlyAdmin):
    list_display = ["industry_prefix", "months", "note", "is_active"]

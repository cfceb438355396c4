"""Reads of annual plans, already narrowed to what the acting user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.types import RequestUser
from plans.choices import MergeStatus, VersionStatus
from plans.models import (
    DepartmentSubmission,
    MergeProposal,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
)
from plans.permissions import can_manage_plans, item_visibility


def plan_year_list() -> QuerySet[PlanYear]:
    return PlanYear.objects.select_related("current_version").order_by("-year")


def plan_item_list_visible_to(user: RequestUser, plan_year: PlanYear) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(plan_year=plan_year)
        .filter(item_visibility(user))
        .select_related("department", "merge_proposal", "merge_proposal__lead_department")
        .prefetch_related("matters", "participating_departments")
        .order_by("department__code", "window_start_month", "pk")
    )


def submission_list_visible_to(
    user: RequestUser, plan_year: PlanYear
) -> QuerySet[DepartmentSubmission]:
    submissions = (
        DepartmentSubmission.objects.filter(plan_year=plan_year)
        .select_related("department", "submitted_by")
        .prefetch_related("events__actor")
        .order_by("department__code")
    )
    if can_manage_plans(user):
        return submissions
    if not user.is_authenticated or user.department_id is None:
        return submissions.none()
    return submissions.filter(department_id=user.department_id)


def merge_proposal_list(plan_year: PlanYear) -> QuerySet[MergeProposal]:
    return (
        MergeProposal.objects.filter(plan_year=plan_year)
        .select_related("lead_department", "suggested_lead", "decided_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related("department").prefetch_related("matters"),
            )
        )
        .order_by("status", "pk")
    )


def open_merge_proposals(plan_year: PlanYear) -> QuerySet[MergeProposal]:
    return merge_proposal_list(plan_year).filter(status=MergeStatus.PROPOSED)


def version_list_visible_to(user: RequestUser, plan_year: PlanYear) -> QuerySet[PlanVersion]:
    versions = PlanVersion.objects.filter(plan_year=plan_year).select_related(
        "approved_by", "published_by"
    )
    if can_manage_plans(user):
        return versions.order_by("-number")
    return versions.filter(status=VersionStatus.APPROVED).order_by("-number")


def public_plan_years() -> QuerySet[PlanYear]:
    return (
        PlanYear.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .order_by("-year")
    )


def public_version_history(plan_year: PlanYear) -> QuerySet[PlanVersion]:
    """The change history citizens see: approved and published versions, newest first."""
    return PlanVersion.objects.filter(
        plan_year=plan_year, status=VersionStatus.APPROVED, published_at__isnull=False
    ).order_by("-number")


def peak_season_list() -> QuerySet[PeakSeason]:
    return PeakSeason.objects.order_by("industry_prefix", "pk")

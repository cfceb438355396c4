"""Who may see and change annual plans. One access function per object type.

- Office admins open, compile, approve, publish and adjust plans; they see everything.
- A department's working roles (liaison, staff, department admin) draft and edit their own
  department's items; only the liaison submits the department's report. Department users see their own department's items,
  and every item of an approved plan.
- Citizens see approved, published versions only (the public pages).

Access functions raise Http404 both for "missing" and "not yours".
"""

from __future__ import annotations

from typing import TypeGuard

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import (
    RolePermission,
    is_department_user,
    is_department_worker,
    is_liaison,
    is_office_admin,
)
from accounts.roles import is_signed_in as _signed_in
from accounts.types import RequestUser
from plans.choices import PlanItemStatus, VersionStatus
from plans.models import (
    DepartmentSubmission,
    MergeProposal,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
)

__all__ = ["is_department_user"]


def can_draft_items(user: RequestUser | None) -> TypeGuard[User]:
    """A department's working roles (staff, liaison, department admin) draft its plan items."""
    return is_department_worker(user)


def can_submit_department(user: RequestUser | None) -> TypeGuard[User]:
    """The liaison is the department's contact with the office and submits its report."""
    return is_liaison(user)


def can_manage_plans(user: RequestUser | None) -> TypeGuard[User]:
    return is_office_admin(user)


def item_visibility(user: RequestUser) -> Q:
    """Items a signed-in user may read: office admins all; others their own department's and
    every approved item (the approved plan is everyone's)."""
    if can_manage_plans(user):
        return Q()
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(department_id=user.department_id) | Q(status=PlanItemStatus.APPROVED)


def access_plan_year_for_user(user: RequestUser, year: int) -> PlanYear:
    """Every signed-in user may open a plan year; what it shows is narrowed by the selectors."""
    if not _signed_in(user):
        raise Http404
    return get_object_or_404(PlanYear, year=year)


def access_plan_item_for_user(user: RequestUser, item_id: int, *, change: bool = False) -> PlanItem:
    """Read: own department, office, or an approved item. Change: own department's editors or an
    office admin (whether the plan's state allows the change is the service's business)."""
    queryset = PlanItem.objects.select_related("plan_year", "department", "merge_proposal")
    item = get_object_or_404(queryset.filter(item_visibility(user)), pk=item_id)
    if not change:
        return item
    if can_manage_plans(user):
        return item
    if not can_draft_items(user):
        raise Http404
    if item.department_id != user.department_id:
        raise Http404
    return item


def access_submission_for_user(
    user: RequestUser, plan_year: PlanYear, department_id: int
) -> DepartmentSubmission:
    if not _signed_in(user):
        raise Http404
    if not can_manage_plans(user) and user.department_id != department_id:
        raise Http404
    return get_object_or_404(
        DepartmentSubmission.objects.select_related("department", "plan_year"),
        plan_year=plan_year,
        department_id=department_id,
    )


def access_merge_proposal_for_user(user: RequestUser, proposal_id: int) -> MergeProposal:
    if not can_manage_plans(user):
        raise Http404
    return get_object_or_404(MergeProposal.objects.select_related("plan_year"), pk=proposal_id)


def access_version_for_user(user: RequestUser, plan_year: PlanYear, number: int) -> PlanVersion:
    """Approved versions are everyone's (signed in); a draft version is the office's."""
    if not _signed_in(user):
        raise Http404
    version = get_object_or_404(PlanVersion, plan_year=plan_year, number=number)
    if version.status != VersionStatus.APPROVED and not can_manage_plans(user):
        raise Http404
    return version


def access_public_version(year: int, number: int | None = None) -> PlanVersion:
    """Citizens: only approved and published versions; without a number, the current one."""
    plan_year = get_object_or_404(PlanYear, year=year, current_version__isnull=False)
    if number is None:
        version = plan_year.current_version
        assert version is not None  # the filter above
        return version
    return get_object_or_404(
        PlanVersion,
        plan_year=plan_year,
        number=number,
        status=VersionStatus.APPROVED,
        published_at__isnull=False,
    )


def access_peak_season_for_user(user: RequestUser, season_id: int) -> PeakSeason:
    if not can_manage_plans(user):
        raise Http404
    return get_object_or_404(PeakSeason, pk=season_id)


IsPlanManager = RolePermission.of(can_manage_plans)


def can_edit_plans(user: RequestUser | None) -> bool:
    """Office admins and department working roles; object checks go through access functions."""
    return can_manage_plans(user) or can_draft_items(user)


IsPlanEditor = RolePermission.of(can_edit_plans)

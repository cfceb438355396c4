"""Reads of the matter list, already narrowed to what the user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from accounts.types import RequestUser
from catalog.choices import MatterStatus
from catalog.models import (
    CheckPoint,
    Matter,
    MatterChangeProposal,
    MatterImport,
    MatterRevision,
)


def natural_order(field: str = "code") -> Func:
    """A sort key giving matter codes their natural order ("10-2" before "10-10"): every digit run
    left-padded to ten digits (prefix ten zeros, then keep the last ten), compared bytewise."""
    padded = Func(
        F(field), Value(r"(\d+)"), Value(r"0000000000\1"), Value("g"), function="regexp_replace"
    )
    key = Func(padded, Value(r"0*(\d{10})"), Value(r"\1"), Value("g"), function="regexp_replace")
    return Func(key, function="", template='(%(expressions)s) COLLATE "C"')


NATURAL_CODE = natural_order()


def matter_list(*, user: RequestUser | None = None) -> QuerySet[Matter]:
    """Every matter (the list is public); departments prefetched for tables and exports."""
    return (
        Matter.objects.prefetch_related("implementing_departments", "participating_departments")
        .annotate(check_point_count=Count("check_points", distinct=True))
        .order_by(NATURAL_CODE)
    )


def current_matter_condition(on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(status=MatterStatus.ACTIVE, effective_from__lte=on) & (
        Q(effective_until__isnull=True) | Q(effective_until__gte=on)
    )


def public_matter_list(on: date | None = None) -> QuerySet[Matter]:
    """The list in force today, as published to citizens."""
    return matter_list().filter(current_matter_condition(on))


def common_matters(on: date | None = None) -> QuerySet[Matter]:
    """Matters merged into every task (年报公示, 明码标价, 标准自我声明…)."""
    return Matter.objects.filter(current_matter_condition(on), is_common=True).order_by(
        NATURAL_CODE
    )


def matter_detail(matter_id: int) -> Matter:
    return (
        Matter.objects.prefetch_related(
            "implementing_departments",
            "participating_departments",
            Prefetch("check_points", queryset=CheckPoint.objects.order_by("position")),
        )
        .select_related("updated_by")
        .get(pk=matter_id)
    )


def revision_list(matter: Matter) -> QuerySet[MatterRevision]:
    return matter.revisions.select_related("changed_by", "matter_import").order_by("-revision")


def proposal_list_visible_to(user: RequestUser) -> QuerySet[MatterChangeProposal]:
    proposals = MatterChangeProposal.objects.select_related(
        "matter", "department", "proposed_by", "decided_by"
    )
    if not user.is_authenticated:
        return proposals.none()
    if user.is_office_admin:
        return proposals
    if user.department_id is None:
        return proposals.none()
    return proposals.filter(department_id=user.department_id)


def proposals_for_matter(user: RequestUser, matter: Matter) -> QuerySet[MatterChangeProposal]:
    return proposal_list_visible_to(user).filter(matter=matter)


def import_list() -> QuerySet[MatterImport]:
    return MatterImport.objects.defer("content").select_related("uploaded_by", "applied_by")


def pending_proposal_count(user: RequestUser) -> int:
    """Proposals waiting for the office (for the office) or the department's own pending ones."""
    return proposal_list_visible_to(user).filter(status="pending").count()

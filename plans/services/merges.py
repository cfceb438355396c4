"""Merging items of different departments into joint-task candidates while compiling
(000 art. 11: 将能合并进行的抽查事项和任务合并进行 — 进一次门、查多项事)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from plans.choices import MergeStatus, PlanYearStatus
from plans.indicators import included_items
from plans.models import MergeProposal, PlanItem, PlanYear
from plans.scoping import estimate_scope, scope_overlap, window_intersection
from plans.services._common import require_office_admin, require_status

COMPILING_STATES = (PlanYearStatus.COMPILING, PlanYearStatus.ADJUSTING)


def _has_key_matter(item: PlanItem) -> bool:
    return any(matter.is_key for matter in item.matters.all())


def suggest_lead(items: list[PlanItem], sizes: dict[int, int]) -> Department:
    """The department whose item carries a key matter leads; among several (or none), the one
    with the most objects in scope; ties go to the earlier item."""
    ranked = sorted(items, key=lambda item: (not _has_key_matter(item), -sizes[item.pk], item.pk))
    return ranked[0].department


def group_items(items: list[PlanItem]) -> list[tuple[list[PlanItem], dict[str, Any]]]:
    """Greedy grouping, deterministic: take the unmerged items in window order; each seeds a
    group and adds items of *other* departments (one item per department) whose scope overlaps
    every member's and whose window keeps a non-empty intersection with the group's."""
    ordered = sorted(
        items, key=lambda item: (item.window_start_month, item.window_end_month, item.pk)
    )
    used: set[int] = set()
    groups = []
    for seed in ordered:
        if seed.pk in used:
            continue
        members = [seed]
        window = (seed.window_start_month, seed.window_end_month)
        basis: dict[str, Any] = {}
        for candidate in ordered:
            if candidate.pk in used or candidate in members:
                continue
            if any(member.department_id == candidate.department_id for member in members):
                continue
            new_window = window_intersection(
                [window, (candidate.window_start_month, candidate.window_end_month)]
            )
            if new_window is None:
                continue
            reasons = [scope_overlap(member.scope, candidate.scope) for member in members]
            if any(reason is None for reason in reasons):
                continue
            members.append(candidate)
            window = new_window
            basis[str(candidate.pk)] = reasons[0]
        if len(members) >= 2:
            used.update(member.pk for member in members)
            groups.append((members, {"window": list(window), "overlap": basis}))
    return groups


@transaction.atomic
def plan_propose_merges(*, plan_year: PlanYear, proposed_by: User) -> list[MergeProposal]:
    """Recompute the open proposals: undecided ones are replaced; items already merged are left
    alone; a group the office rejected before is not proposed again."""
    require_office_admin(proposed_by)
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    require_status(plan_year, *COMPILING_STATES)
    MergeProposal.objects.filter(plan_year=plan_year, status=MergeStatus.PROPOSED).delete()
    rejected = {
        frozenset(proposal.items.values_list("pk", flat=True))
        for proposal in MergeProposal.objects.filter(
            plan_year=plan_year, status=MergeStatus.REJECTED
        )
    }
    candidates = [
        item
        for item in included_items(plan_year)
        if not (
            item.merge_proposal is not None and item.merge_proposal.status == MergeStatus.ACCEPTED
        )
    ]
    sizes = {item.pk: estimate_scope(item.scope, item.ratios).total for item in candidates}
    proposals = []
    for members, basis in group_items(candidates):
        if frozenset(member.pk for member in members) in rejected:
            continue
        lead = suggest_lead(members, sizes)
        start, end = basis["window"]
        basis["objects_in_scope"] = {str(member.pk): sizes[member.pk] for member in members}
        proposal = MergeProposal.objects.create(
            plan_year=plan_year,
            suggested_lead=lead,
            lead_department=lead,
            window_start_month=start,
            window_end_month=end,
            basis=basis,
        )
        proposal.items.set(members)
        proposals.append(proposal)
    record_event(
        actor=proposed_by,
        action="plan.propose_merges",
        target=plan_year,
        details={
            "proposals": [
                {"id": proposal.pk, "items": sorted(proposal.items.values_list("pk", flat=True))}
                for proposal in proposals
            ]
        },
    )
    return proposals


def _lock_open_proposal(proposal: MergeProposal) -> MergeProposal:
    proposal = (
        MergeProposal.objects.select_for_update().select_related("plan_year").get(pk=proposal.pk)
    )
    require_status(proposal.plan_year, *COMPILING_STATES)
    if proposal.status != MergeStatus.PROPOSED:
        raise ValidationError(_("该合并方案已处理。"))
    return proposal


@transaction.atomic
def merge_proposal_update(
    *,
    proposal: MergeProposal,
    updated_by: User,
    lead_department: Department,
    window_start_month: int,
    window_end_month: int,
    items: Iterable[PlanItem],
) -> MergeProposal:
    """The office edits a proposal before deciding: its items, lead department or window."""
    require_office_admin(updated_by)
    proposal = _lock_open_proposal(proposal)
    items = list(items)
    included = set(included_items(proposal.plan_year).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    if any(item.pk not in included for item in items):
        errors["items"] = _("只能合并本年度已报送的计划事项。")
    elif len({item.department_id for item in items}) < 2:
        errors["items"] = _("合并方案须包含至少两个部门的计划事项。")
    elif any(
        item.merge_proposal is not None and item.merge_proposal.status == MergeStatus.ACCEPTED
        for item in items
    ):
        errors["items"] = _("部分事项已并入其他联合任务。")
    if lead_department.pk not in {item.department_id for item in items}:
        errors["lead_department"] = _("牵头部门须为参与合并的部门之一。")
    if not (1 <= window_start_month <= window_end_month <= 12):
        errors["window_start_month"] = _("请填写有效的月份区间。")
    elif any(
        window_intersection(
            [
                (window_start_month, window_end_month),
                (item.window_start_month, item.window_end_month),
            ]
        )
        is None
        for item in items
    ):
        errors["window_start_month"] = _("联合任务时间须与每个事项的计划时间有交集。")
    if errors:
        raise ValidationError(errors)
    before = {
        "lead": proposal.lead_department.code,
        "window": [proposal.window_start_month, proposal.window_end_month],
        "items": sorted(proposal.items.values_list("pk", flat=True)),
    }
    proposal.lead_department = lead_department
    proposal.window_start_month, proposal.window_end_month = window_start_month, window_end_month
    proposal.save(update_fields=["lead_department", "window_start_month", "window_end_month"])
    proposal.items.set(items)
    after = {
        "lead": lead_department.code,
        "window": [window_start_month, window_end_month],
        "items": sorted(item.pk for item in items),
    }
    record_event(
        actor=updated_by,
        action="merge_proposal.update",
        target=proposal,
        details={"before": before, "after": after},
    )
    return proposal


@transaction.atomic
def merge_proposal_accept(
    *, proposal: MergeProposal, accepted_by: User, comment: str = ""
) -> MergeProposal:
    """Accept: the items become one joint-task candidate under the lead department."""
    require_office_admin(accepted_by)
    proposal = _lock_open_proposal(proposal)
    items = list(
        PlanItem.objects.select_for_update().filter(merge_candidates=proposal).order_by("pk")
    )
    for item in items:
        if item.merge_proposal is not None and item.merge_proposal.status == MergeStatus.ACCEPTED:
            raise ValidationError(_("事项“%(title)s”已并入其他联合任务。") % {"title": item.title})
    PlanItem.objects.filter(pk__in=[item.pk for item in items]).update(merge_proposal=proposal)
    proposal.status = MergeStatus.ACCEPTED
    proposal.decided_by = accepted_by
    proposal.decided_at = timezone.now()
    proposal.comment = comment.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    record_event(
        actor=accepted_by,
        action="merge_proposal.accept",
        target=proposal,
        details={
            "items": [item.pk for item in items],
            "lead": proposal.lead_department.code,
            "window": [proposal.window_start_month, proposal.window_end_month],
            "comment": proposal.comment,
        },
    )
    return proposal


@transaction.atomic
def merge_proposal_reject(
    *, proposal: MergeProposal, rejected_by: User, comment: str = ""
) -> MergeProposal:
    require_office_admin(rejected_by)
    proposal = _lock_open_proposal(proposal)
    proposal.status = MergeStatus.REJECTED
    proposal.decided_by = rejected_by
    proposal.decided_at = timezone.now()
    proposal.comment = comment.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    record_event(
        actor=rejected_by,
        action="merge_proposal.reject",
        target=proposal,
        details={
            "items": sorted(proposal.items.values_list("pk", flat=True)),
            "comment": proposal.comment,
        },
    )
    return proposal

"""The frozen content of a plan version: every included item, the merge decisions and the
indicators, as plain JSON. The public pages, the PDF and the XLSX read versions from here, so a
published version never changes when live items are edited during an adjustment."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from accounts.audit import canonical_json
from plans.choices import MergeStatus
from plans.indicators import compute_indicators, included_items, is_joint
from plans.models import MergeProposal, PlanYear
from plans.scoping import estimate_scope, format_bp, item_cap_bp
from registries.scopes import describe_scope


def item_snapshot(item) -> dict[str, Any]:
    matters = list(item.matters.all())
    estimate = estimate_scope(item.scope, item.ratios, department_id=item.department_id)
    return {
        "id": item.pk,
        "title": item.title,
        "department": {"code": item.department.code, "name": item.department.display_name},
        "participating_departments": [
            {"code": department.code, "name": department.display_name}
            for department in item.participating_departments.all()
        ],
        "matters": [
            {
                "code": matter.code,
                "name": matter.name,
                "category": matter.category,
                "cap_bp": matter.effective_cap_bp,
            }
            for matter in matters
        ],
        "cap_bp": item_cap_bp(matters),
        "scope": item.scope,
        "scope_text": describe_scope(item.scope),
        "directed": item.directed,
        "ratios": item.ratios,
        "ratios_text": " / ".join(
            f"{cls} {format_bp(item.ratios.get(cls))}" for cls in ("A", "B", "C", "D")
        ),
        "window": [item.window_start_month, item.window_end_month],
        "window_text": item.window_label,
        "notes": item.notes,
        "joint": is_joint(item),
        "merge_proposal": item.merge_proposal_id
        if item.merge_proposal_id and item.merge_proposal.status == MergeStatus.ACCEPTED
        else None,
        "expected": estimate.expected,
        "in_scope": estimate.total,
    }


def readable_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A published snapshot as the pages show it, without changing what was published: the scope in
    words with department names (older snapshots wrote their codes), and each joint item's 配合部门 —
    its participating departments, or for an item joint through an accepted merge, the other
    departments of the merge."""
    snapshot = dict(snapshot or {})
    items = [dict(item) for item in snapshot.get("items", [])]
    by_id = {item.get("id"): item for item in items}
    merged_with: dict[Any, list[str]] = {}
    for merge in snapshot.get("merges", []):
        if merge.get("status") != MergeStatus.ACCEPTED:
            continue
        names = [by_id[i]["department"]["name"] for i in merge.get("items", []) if i in by_id]
        for item_id in merge.get("items", []):
            if item_id in by_id:
                own = by_id[item_id]["department"]["name"]
                merged_with[item_id] = [name for name in dict.fromkeys(names) if name != own]
    for item in items:
        if "scope" in item:
            item["scope_text"] = describe_scope(item["scope"])
        if isinstance(item.get("ratios"), dict):
            item["ratios_text"] = "；".join(
                f"{cls}类 {format_bp(item['ratios'].get(cls))}" for cls in ("A", "B", "C", "D")
            )
        names = [d["name"] for d in item.get("participating_departments", [])]
        item["co_departments"] = names or merged_with.get(item.get("id"), [])
    snapshot["items"] = items
    return snapshot


def merge_snapshot(proposal: MergeProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "items": sorted(proposal.items.values_list("pk", flat=True)),
        "lead": proposal.lead_department.code,
        "lead_name": proposal.lead_department.display_name,
        "window": [proposal.window_start_month, proposal.window_end_month],
        "window_text": proposal.window_label,
        "comment": proposal.comment,
    }


def build_snapshot(plan_year: PlanYear) -> dict[str, Any]:
    items = list(included_items(plan_year))
    proposals = (
        MergeProposal.objects.filter(plan_year=plan_year)
        .exclude(status=MergeStatus.PROPOSED)
        .select_related("lead_department")
        .order_by("pk")
    )
    return {
        "year": plan_year.year,
        "generated_at": timezone.now().isoformat(),
        "submission_deadline": plan_year.submission_deadline.isoformat(),
        "approval_deadline": plan_year.approval_deadline.isoformat(),
        "items": [item_snapshot(item) for item in items],
        "merges": [merge_snapshot(proposal) for proposal in proposals],
        "indicators": compute_indicators(plan_year, items).as_dict(),
    }


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()

"""Departments' proposals to add, change or retire a matter, and the office's decision on them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from catalog.choices import (
    MatterStatus,
    ProposalKind,
    ProposalStatus,
)
from catalog.models import Matter, MatterChangeProposal
from catalog.permissions import can_propose
from catalog.services._common import (
    normalise_values,
    planned_snapshot,
    require_office_admin,
)
from catalog.services.matters import matter_create, matter_retire, matter_update
from catalog.snapshots import (
    DEPARTMENT_FIELDS,
    diff_snapshots,
    matter_snapshot,
    plain,
)


def _payload_json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: sorted(d.code for d in value) if name in DEPARTMENT_FIELDS else plain(value)
        for name, value in values.items()
    }


@transaction.atomic
def proposal_submit(
    *,
    submitted_by: User,
    kind: str,
    reason: str,
    matter: Matter | None = None,
    payload: dict[str, Any] | None = None,
) -> MatterChangeProposal:
    """A department proposes to add, change or retire a matter, with its reason."""
    if not can_propose(submitted_by):
        raise PermissionDenied(_("只有成员部门的工作人员、联络员或系统管理员可以提出调整建议。"))
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": _("未知的建议类型。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写建议理由。")})
    payload = payload or {}
    if kind == ProposalKind.ADD:
        if matter is not None:
            raise ValidationError({"matter": _("新增事项的建议不能指定已有事项。")})
        values = normalise_values(payload)
        if not values.get("name"):
            raise ValidationError({"name": _("请填写建议新增的事项名称。")})
    else:
        if matter is None:
            raise ValidationError({"matter": _("请指定要调整的事项。")})
        if matter.status != MatterStatus.ACTIVE:
            raise ValidationError({"matter": _("该事项已停用。")})
        values = normalise_values(payload) if kind == ProposalKind.CHANGE else {}
        if kind == ProposalKind.CHANGE:
            before = matter_snapshot(matter)
            if not diff_snapshots(before, planned_snapshot(before, values)):
                raise ValidationError({"payload": _("建议内容与现有事项相同。")})
    department = submitted_by.department
    assert department is not None  # can_propose: a member department's user
    proposal = MatterChangeProposal.objects.create(
        kind=kind,
        matter=matter,
        department=department,
        proposed_by=submitted_by,
        payload=_payload_json(values),
        reason=reason,
        created_at=timezone.now(),
    )
    record_event(
        actor=submitted_by,
        action="matter_proposal.submit",
        target=proposal,
        details={
            "kind": kind,
            "matter": matter.code if matter else None,
            "department": department.code,
            "payload": proposal.payload,
            "reason": reason,
        },
    )
    return proposal


def _lock_pending(proposal: MatterChangeProposal) -> MatterChangeProposal:
    proposal = MatterChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("该建议已处理。"))
    return proposal


@transaction.atomic
def proposal_accept(
    *, proposal: MatterChangeProposal, accepted_by: User, decision_reason: str = "", code: str = ""
) -> MatterChangeProposal:
    """Accept a proposal and apply it through matter_create / matter_update / matter_retire."""
    require_office_admin(accepted_by)
    proposal = _lock_pending(proposal)
    note = _("采纳%(department)s的调整建议 #%(number)d") % {
        "department": proposal.department.display_name,
        "number": proposal.pk,
    }
    reason = f"{note}：{proposal.reason}"[:500]
    if proposal.kind == ProposalKind.ADD:
        code = (code or "").strip() or f"JY-{proposal.pk:05d}"
        proposal.matter = matter_create(
            created_by=accepted_by,
            code=code,
            data=proposal.payload,
            reason=reason,
            proposal=proposal,
        )
    elif proposal.kind == ProposalKind.CHANGE:
        assert proposal.matter is not None  # a change or retirement names its matter
        matter_update(
            matter=proposal.matter,
            updated_by=accepted_by,
            data=proposal.payload,
            reason=reason,
            proposal=proposal,
        )
    else:
        assert proposal.matter is not None
        matter_retire(
            matter=proposal.matter, retired_by=accepted_by, reason=reason, proposal=proposal
        )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by = accepted_by
    proposal.decided_at = timezone.now()
    proposal.decision_reason = (decision_reason or "").strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "matter"])
    record_event(
        actor=accepted_by,
        action="matter_proposal.accept",
        target=proposal,
        details={
            "kind": proposal.kind,
            "matter": proposal.matter.code if proposal.matter else None,
            "decision_reason": proposal.decision_reason,
        },
    )
    return proposal


@transaction.atomic
def proposal_reject(
    *, proposal: MatterChangeProposal, rejected_by: User, decision_reason: str
) -> MatterChangeProposal:
    require_office_admin(rejected_by)
    decision_reason = (decision_reason or "").strip()
    if not decision_reason:
        raise ValidationError({"decision_reason": _("请填写不予采纳的理由。")})
    proposal = _lock_pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = rejected_by
    proposal.decided_at = timezone.now()
    proposal.decision_reason = decision_reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    record_event(
        actor=rejected_by,
        action="matter_proposal.reject",
        target=proposal,
        details={"kind": proposal.kind, "decision_reason": decision_reason},
    )
    return proposal

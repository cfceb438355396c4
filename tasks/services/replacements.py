"""Replacement draws: an inspector who falls ill (or must recuse late) is replaced by a recorded,
reasoned draw from the same pool, never by a hand-pick.

How a replacement maps onto ssj-draw/1 (it is a complete protocol draw with its own commitment,
witnesses, log and bundle, verifiable with the same verifier):
- candidates: the objects dealt to the affected group, all `MUST=1` in the stratum `GROUP`
  (strata `{"GROUP": {"count": 0}}`), so stage 1 simply keeps them;
- inspectors: the group's remaining members under the pseudo-departments `KEEP-GROUP` (and
  `KEEP-LEAD` for remaining lead-department members when the leader is replaced), LOAD 0,
  MAX_LOAD 1, no tags, so all of them are always taken; plus the replaced inspector's department's
  drawable inspectors who are in no group of the task, with their real LOAD/MAX_LOAD/TAGS;
- params: `groups` 1, `group` = {KEEP-GROUP: n, <dept>: 1} (plus KEEP-LEAD), `required_tags` of
  that department, and `lead_dept` = KEEP-GROUP when the leader stays, KEEP-LEAD when the leader is
  replaced and other lead-department members remain (the new leader is drawn among them), or the
  department itself when the leader was its group's only lead-department member;
- conflicts: the pool against the group's objects; stage 2's retries pick another pool member
  until nobody in the group conflicts with any of its objects.
The one pool member the draw adds joins the group in the parent draw's lists; the replaced member
row is marked `replaced_by`, never deleted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from registries.drawable import EXPERT_DEPARTMENT, conflict_pairs
from tasks.choices import DrawKind, DrawState, TaskStatus
from tasks.draw.protocol import (
    Candidate,
    Conflict,
    DrawInputs,
    InspectorRow,
    ProtocolError,
    format_ts,
)
from tasks.models import Draw, GroupMember
from tasks.permissions import can_manage_task
from tasks.services.snapshots import LEGAL_BASIS, Snapshot, inspector_rows

KEEP = "KEEP-GROUP"
KEEP_LEAD = "KEEP-LEAD"
STRATUM = "GROUP"


def current_members(draw: Draw):
    return GroupMember.objects.filter(draw=draw, replaced_by__isnull=True)


def _replacement_snapshot(
    draw: Draw, member: GroupMember, reason: str, protocol_task_id: str
) -> Snapshot:
    task = draw.task
    lead = task.lead_department.code
    dept = member.department_code
    group_members = [
        m for m in current_members(draw).filter(group_id=member.group_id) if m.code != member.code
    ]
    taken = set(current_members(draw).values_list("code", flat=True))
    was_leader = member.is_leader
    keep_rows: list[InspectorRow] = []
    lead_keep = 0
    for other in group_members:
        label = KEEP_LEAD if was_leader and other.department_code == lead else KEEP
        lead_keep += label == KEEP_LEAD
        keep_rows.append(InspectorRow(other.code, label, 0, 1, ()))
    pool = [
        row for row in inspector_rows(task, departments=[dept]) if row.inspector_id not in taken
    ]
    group: dict[str, int] = {dept: 1}
    for label in (KEEP, KEEP_LEAD):
        count = sum(1 for row in keep_rows if row.dept == label)
        if count:
            group[label] = count
    if not was_leader:
        lead_dept = KEEP
    elif lead_keep:
        lead_dept = KEEP_LEAD
    else:
        lead_dept = dept
    objects = list(
        draw.drawn_objects.filter(group_id=member.group_id).values_list("code", flat=True)
    )
    if not objects:
        raise ValidationError(_("该检查组没有分配检查对象，无须替补。"))
    required = (task.required_tags or {}).get(dept) if dept != EXPERT_DEPARTMENT else None
    conflicts = (
        [
            Conflict(i, o)
            for i, o in conflict_pairs(
                inspector_codes=[row.inspector_id for row in pool], objects=objects
            )
        ]
        if dept != EXPERT_DEPARTMENT
        else []
    )
    params: dict[str, Any] = {
        "strata": {STRATUM: {"count": 0}},
        "lead_dept": lead_dept,
        "groups": 1,
        "group": group,
        "required_tags": {dept: sorted(required)} if required else {},
        "max_attempts": int(task.max_attempts),
        "replacement": {
            "task": task.code,
            "parent_draw": f"{draw.protocol_task_id}#{draw.number}",
            "group": member.group_id,
            "replaced": member.code,
            "reason": reason,
        },
        "legal_basis": LEGAL_BASIS,
        "snapshot_time": format_ts(timezone.now()),
    }
    try:
        inputs = DrawInputs(
            protocol_task_id,
            [Candidate(code, STRATUM, True) for code in objects],
            [*keep_rows, *pool],
            conflicts,
            params,
        )
    except ProtocolError as error:
        from tasks.services.draws import protocol_error_message

        raise ValidationError(protocol_error_message(error)) from None
    return Snapshot(inputs, {}, {code: ["group"] for code in objects}, {})


@transaction.atomic
def replacement_announce(
    *, draw: Draw, inspector_code: str, reason: str, announced_by: User
) -> Draw:
    """Announce a replacement draw for one member of a drawn group; it then goes through the same
    review (witness entries) and reveal as any draw."""
    from tasks.services.draws import _announce, _lock_draw, _next_number, _record

    draw = _lock_draw(draw.pk)
    task = draw.task
    if not can_manage_task(announced_by, task):
        raise PermissionDenied(_("只有牵头部门可以发起替补抽取。"))
    if draw.kind != DrawKind.DRAW or draw.state != DrawState.DRAWN:
        raise ValidationError(_("只能对有效的抽取结果发起替补。"))
    if task.status not in (TaskStatus.DRAWN, TaskStatus.IN_PROGRESS):
        raise ValidationError(_("任务当前状态不能替补人员。"))
    if not reason.strip():
        raise ValidationError({"reason": _("替补须说明原因（如因病不能参加）。")})
    if task.draws.filter(
        kind=DrawKind.REPLACEMENT, state__in=[DrawState.ANNOUNCED, DrawState.DRAWING]
    ).exists():
        raise ValidationError(_("已有进行中的替补抽取，请先完成或撤回。"))
    member = current_members(draw).filter(code=inspector_code).first()
    if member is None:
        raise ValidationError({"inspector_code": _("该人员不在本任务的检查组中。")})
    number = _next_number(task)
    protocol_task_id = f"{task.code}-R{number}"
    snapshot = _replacement_snapshot(draw, member, reason.strip(), protocol_task_id)
    replacement = _announce(
        task=task,
        announced_by=announced_by,
        snapshot=snapshot,
        kind=DrawKind.REPLACEMENT,
        protocol_task_id=protocol_task_id,
        parent_draw=draw,
        replaced_inspector_code=member.code,
        replaced_group=member.group_id,
        replacement_reason=reason.strip(),
    )
    _record(
        replacement,
        announced_by,
        "draw.replacement_announce",
        replaced=member.code,
        group=member.group_id,
    )
    return replacement


def _apply_replacement(replacement: Draw, result: dict[str, Any]) -> None:
    """Put the drawn pool member into the parent draw's group (called inside draw_execute)."""
    from tasks.services.draws import _members

    parent = replacement.parent_draw
    keep = {
        row.split(",")[0]
        for row in replacement.inspector_rows()
        if row.split(",")[1] in (KEEP, KEEP_LEAD)
    }
    ((_gid, group),) = result["groups"].items()
    old = current_members(parent).get(
        group_id=replacement.replaced_group, code=replacement.replaced_inspector_code
    )
    changed = [old]
    new_leader = group["leader"] if old.is_leader else None
    added_codes = [code for code in group["members"] if code not in keep]
    if new_leader and new_leader in keep:
        previous = current_members(parent).get(group_id=old.group_id, code=new_leader)
        changed.append(previous)
        added_codes.append(new_leader)
    GroupMember.objects.filter(pk__in=[m.pk for m in changed]).update(replaced_by=replacement)
    rows = _members(
        parent,
        {old.group_id: {"leader": new_leader or "", "members": sorted(added_codes)}},
        added_by=replacement,
    )
    GroupMember.objects.bulk_create(rows)

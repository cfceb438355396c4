"""Replacement draws: an inspector who falls ill (or must recuse late) is replaced by a recorded,
reasoned draw from the same pool, never by a hand-pick.

How a replacement maps onto ssj-draw/1 (it is a complete protocol draw with its own commitment,
witnesses, log and bundle, verifiable with the same verifier; docs/draw.md explains it too):
- candidates: the objects dealt to the affected group, all `MUST=1` in the stratum `GROUP`
  (strata `{"GROUP": {"count": 0}}`), so stage 1 simply keeps them;
- inspectors: the group's remaining members under pseudo-departments, LOAD 0, MAX_LOAD 1, no tags,
  so that every one of them is always taken: `KEEP-LEADER` for the leader when the leader stays,
  `KEEP-LEAD` for the remaining lead-department members when the leader is the one replaced,
  `KEEP-GROUP` for everyone else; plus the replaced member's department's drawable inspectors
  (or the experts) who are in no group of the task, with their real LOAD/MAX_LOAD/TAGS;
- params: `groups` 1, `group` = {KEEP-GROUP: n, <dept>: 1, and KEEP-LEADER or KEEP-LEAD}, that
  department's `required_tags`, and `lead_dept` = KEEP-LEADER when the leader stays (so the drawn
  "leader" is the leader in office), KEEP-LEAD when the leader is replaced and other lead-department
  members remain (the new leader is drawn among them), or the department itself when the leader
  was the group's only lead-department member (the new member leads); `replacement` says which
  draw, group and member, and why as a category (illness, recusal, ...), never the free text;
- conflicts: the pool (inspectors and experts) against the group's objects; stage 2's retries
  pick another pool member until nobody in the group conflicts with any of its objects.
The result's one group is the whole group as it stands afterwards, leader included; the parent
draw's rows are brought to exactly that (replaced rows marked `replaced_by`, never deleted) and
checked against it in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from registries.drawable import EXPERT_DEPARTMENT, conflict_pairs
from tasks.choices import DrawKind, DrawState, ReplacementCategory, TaskStatus
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
from tasks.services.ceremony import (
    announce_draw,
    check_second_witness,
    current_members,
    group_member_rows,
    lock_draw,
    next_draw_number,
    protocol_error_message,
    record_draw_event,
    reveal_time,
    witness_roster,
)
from tasks.services.snapshots import LEGAL_BASIS, Snapshot, inspector_rows

KEEP = "KEEP-GROUP"
KEEP_LEAD = "KEEP-LEAD"
KEEP_LEADER = "KEEP-LEADER"
STRATUM = "GROUP"

__all__ = ["apply_replacement", "current_members", "replacement_announce"]


def _replacement_snapshot(
    draw: Draw, member: GroupMember, category: str, protocol_task_id: str
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
    for other in group_members:
        if not was_leader and other.is_leader:
            label = KEEP_LEADER
        elif was_leader and other.department_code == lead:
            label = KEEP_LEAD
        else:
            label = KEEP
        keep_rows.append(InspectorRow(other.code, label, 0, 1, ()))
    pool = [
        row for row in inspector_rows(task, departments=[dept]) if row.inspector_id not in taken
    ]
    group: dict[str, int] = {dept: 1}
    for label in (KEEP, KEEP_LEAD, KEEP_LEADER):
        count = sum(1 for row in keep_rows if row.dept == label)
        if count:
            group[label] = count
    if not was_leader:
        lead_dept = KEEP_LEADER
    elif KEEP_LEAD in group:
        lead_dept = KEEP_LEAD
    else:
        lead_dept = dept
    objects = list(
        draw.drawn_objects.filter(group_id=member.group_id).values_list("code", flat=True)
    )
    if not objects:
        raise ValidationError(_("该检查组没有分配检查对象，无须替补。"))
    required = (task.required_tags or {}).get(dept) if dept != EXPERT_DEPARTMENT else None
    conflicts = [
        Conflict(i, o)
        for i, o in conflict_pairs(
            inspector_codes=[row.inspector_id for row in pool], objects=objects
        )
    ]
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
            "reason": category,
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
        raise ValidationError(protocol_error_message(error)) from None
    return Snapshot(inputs, {}, {code: ["group"] for code in objects}, {})


@transaction.atomic
def replacement_announce(
    *,
    draw: Draw,
    inspector_code: str,
    reason: str,
    announced_by: User,
    category: str = ReplacementCategory.OTHER,
) -> Draw:
    """Announce a replacement draw for one member of a drawn group; it then goes through the same
    review (witness entries) and reveal as any draw. The reason is published as its category;
    the free text is kept for the office."""
    draw = lock_draw(draw.pk)
    task = draw.task
    if not can_manage_task(announced_by, task):
        raise PermissionDenied(_("只有牵头部门可以发起替补抽取。"))
    if draw.kind != DrawKind.DRAW or draw.state != DrawState.DRAWN:
        raise ValidationError(_("只能对有效的抽取结果发起替补。"))
    if task.status not in (TaskStatus.DRAWN, TaskStatus.IN_PROGRESS):
        raise ValidationError(_("任务当前状态不能替补人员。"))
    if not reason.strip():
        raise ValidationError({"reason": _("替补须说明原因（如因病不能参加）。")})
    if category not in ReplacementCategory.values:
        raise ValidationError({"category": _("请选择替补原因类别。")})
    if task.draws.filter(
        kind=DrawKind.REPLACEMENT, state__in=[DrawState.ANNOUNCED, DrawState.DRAWING]
    ).exists():
        raise ValidationError(_("已有进行中的替补抽取，请先完成或撤回。"))
    member = current_members(draw).filter(code=inspector_code).first()
    if member is None:
        raise ValidationError({"inspector_code": _("该人员不在本任务的检查组中。")})
    check_second_witness(task, announced_by)
    number = next_draw_number(task)
    protocol_task_id = f"{task.code}-R{number}"
    snapshot = _replacement_snapshot(draw, member, category, protocol_task_id)
    now = timezone.now().replace(microsecond=0)
    replacement = announce_draw(
        task=task,
        announced_by=announced_by,
        snapshot=snapshot,
        reveal_not_before=reveal_time(now, None),
        roster=witness_roster(task),
        announced_at=now,
        kind=DrawKind.REPLACEMENT,
        protocol_task_id=protocol_task_id,
        parent_draw=draw,
        replaced_inspector_code=member.code,
        replaced_group=member.group_id,
        replacement_reason=reason.strip(),
        replacement_category=category,
    )
    record_draw_event(
        replacement,
        announced_by,
        "draw.replacement_announce",
        replaced=member.code,
        group=member.group_id,
        category=category,
    )
    return replacement


def apply_replacement(replacement: Draw, result: dict[str, Any]) -> None:
    """Bring the parent draw's group to exactly the replacement's result group (called inside the
    draw job's transaction, which then checks the rows against the published results)."""
    parent = replacement.parent_draw
    assert parent is not None  # a replacement draw always replaces in its parent's groups
    group_id = replacement.replaced_group
    ((_gid, group),) = result["groups"].items()
    leader = group["leader"]
    standing = {m.code: m for m in current_members(parent).filter(group_id=group_id)}
    retired = [
        row
        for code, row in standing.items()
        if code not in group["members"] or row.is_leader != (code == leader)
    ]
    retired_codes = {row.code for row in retired}
    added = sorted(
        code for code in group["members"] if code not in standing or code in retired_codes
    )
    GroupMember.objects.filter(pk__in=[row.pk for row in retired]).update(replaced_by=replacement)
    GroupMember.objects.bulk_create(
        group_member_rows(
            parent, {group_id: {"leader": leader, "members": added}}, added_by=replacement
        )
    )
    from tasks.inspections.services.deadlines import result_deadlines_follow_leader

    result_deadlines_follow_leader(draw=parent, group_id=group_id, changed_by=None)

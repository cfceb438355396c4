"""The shared core of every draw on the platform (main draws and replacement draws alike):
announcing with a sealed secret, the draw's own hash chain, the platform audit events, locking,
the group-member rows and the plain-Chinese wording of protocol errors.

tasks.services.draws (the ceremony of a task's draw), tasks.services.replacements (replacing one
member) and tasks.services.execution (the draw job) all build on this module and on nothing
private of each other.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from operator import attrgetter, truth
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from registries.drawable import EXPERT_DEPARTMENT
from registries.models import Expert, InspectionObject, Inspector
from tasks.choices import DrawKind, DrawState, ReviewRole
from tasks.draw.protocol import (
    DrawFailed,
    InfeasibleDraw,
    LogChain,
    ProtocolError,
    canonical_hash,
    commitment,
    format_ts,
    precheck_inspectors,
    sha256_hex,
    verify_chain,
)
from tasks.models import Draw, DrawLogEntry, DrawReview, GroupMember, Task, TaskPolicy
from tasks.permissions import is_eligible_second_witness
from tasks.services import secrets as draw_secrets
from tasks.services.snapshots import Snapshot, snapshot_files

SYSTEM = "system"
logger = logging.getLogger(__name__)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a draw builds or reads its 100,000-row files
    (announcement and draw job).

    The rows are tuples and strings without reference cycles, freed by reference counting before
    the service returns, but every collection their allocation triggers walks all of them (and the
    whole process) again: about a third of the snapshot time, plus a full collection in the middle
    of the draw. The collector runs as usual again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- messages ------------------------------------------------------------------------------------


def _department_label(code: str) -> str:
    if code == EXPERT_DEPARTMENT:
        return str(_("专家库"))
    department = Department.objects.filter(code=code).first()
    return f"{department.name}（{code}）" if department else code


def protocol_error_message(error: ProtocolError) -> str:
    """A plain-Chinese explanation of why a draw cannot go ahead, naming the department or object."""
    if isinstance(error, InfeasibleDraw):
        return _(
            "%(dept)s 可抽取的检查人员不足：需要 %(needed)s 人（检查组数 × 每组人数），符合条件的只有 "
            "%(able)s 人。符合条件指：在岗、执法证在检查期间有效、不在休假、具备所需资格、同期参加的检查组未达上限。"
        ) % {"dept": _department_label(error.dept), "needed": error.needed, "able": error.able}
    if isinstance(error, DrawFailed):
        obj = InspectionObject.objects.filter(code=error.object_uscc).only("name").first()
        name = f"{obj.name}（{error.object_uscc}）" if obj else error.object_uscc
        return _(
            "检查对象 %(object)s 在 %(attempts)s 次尝试中都无法分配到与其没有回避关系且未满额的检查组，"
            "抽取失败。请调整检查组数或人员构成后重新提交会审。"
        ) % {"object": name, "attempts": error.attempts}
    message = str(error)
    if "exceeds the" in message and "groups" in message:
        return _("检查组数多于将抽取的对象数，请减少检查组数或提高抽查比例。")
    if "strata lacks" in message:
        return _("分类抽查比例缺少部分风险分类。")
    return _("抽取参数不符合抽取规则（ssj-draw/1）：%(detail)s") % {"detail": message}


# --- the draw's own log --------------------------------------------------------------------------


def log_chain(draw: Draw) -> LogChain:
    return LogChain([entry.as_entry() for entry in draw.log_entries.order_by("seq")])


def append_entry(
    draw: Draw,
    chain: LogChain,
    entry_type: str,
    actor: str,
    data: dict[str, Any] | None = None,
    *,
    build: Callable[[LogChain, datetime], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Append one entry to the draw's chain (in memory and in the insert-only table)."""
    now = timezone.now()
    if build is not None:
        entry = build(chain, now)
    else:
        entry = chain.append(entry_type, actor, data or {}, now)
    DrawLogEntry.objects.create(
        draw=draw,
        seq=entry["seq"],
        prev=entry["prev"],
        ts=entry["ts"],
        type=entry["type"],
        actor=entry["actor"],
        data=entry["data"],
        hash=entry["hash"],
    )
    draw.head_hash = entry["hash"]
    return entry


def announce_entry(draw: Draw) -> dict[str, Any]:
    """The announce entry, read from the insert-only log after checking the chain up to it.

    What the draw job, the bundle and the integrity checks trust: the hashes, commitment and
    beacon announced before any randomness existed, never the editable columns of the draw row."""
    entries = [entry.as_entry() for entry in draw.log_entries.order_by("seq")]
    problems = verify_chain(entries)
    if problems:
        raise ProtocolError(f"the draw's log chain is broken: {problems[0]}")
    if not entries or entries[0]["type"] != "announce":
        raise ProtocolError("the draw's log does not start with its announcement")
    return entries[0]


def record_draw_event(draw: Draw, actor: User | None, action: str, **details: Any) -> None:
    """Every draw event goes to the platform audit trail with the draw's current head hash."""
    record_event(
        actor=actor,
        action=action,
        target=draw.task,
        details={
            "draw": draw.protocol_task_id,
            "draw_number": draw.number,
            "draw_head": draw.head_hash,
            **details,
        },
    )


def lock_draw(draw_id: int, *, files: bool = True) -> Draw:
    """The draw, locked; `files=False` leaves out the frozen files (a few MB of gzip for a large
    draw) for the steps that never read them."""
    queryset = Draw.objects.select_for_update().select_related("task", "task__lead_department")
    if not files:
        queryset = queryset.defer("candidate_file", "inspector_file", "conflict_file")
    return queryset.get(pk=draw_id)


def secret_hex(draw: Draw) -> str:
    """S, unsealed, and checked against the announced commitment (a swapped sealed value in the
    database would otherwise be revealed as if it had been committed to)."""
    secret = draw_secrets.unseal(draw.sealed_secret, f"{draw.task.code}|{draw.number}")
    if commitment(secret) != announce_entry(draw)["data"]["commitment"]:
        raise ProtocolError("the sealed secret does not match the announced commitment")
    return secret.hex()


def queue_draw_job(draw_id: int) -> bool:
    """Hand the draw to the worker; a broker that cannot take it leaves the draw "drawing" with no
    queue time, from where a repeated reveal (at once) or beat (after DRAW_STUCK_AFTER_MINUTES)
    queues it again."""
    from tasks.jobs import draw_run_job

    try:
        draw_run_job.delay(draw_id)
    except Exception:  # the broker's errors are many (kombu, redis, socket); all mean "not queued"
        logger.exception("draw %s: the draw job could not be queued", draw_id)
        Draw.objects.filter(pk=draw_id, state=DrawState.DRAWING).update(job_queued_at=None)
        return False
    return True


# --- announce ------------------------------------------------------------------------------------


def check_second_witness(task: Task, pushed_by: User) -> None:
    if task.participating_departments.exclude(pk=task.lead_department_id).exists():
        return
    witness = task.second_witness
    if witness is None or not is_eligible_second_witness(witness, task):
        raise ValidationError(
            _(
                "单部门任务须在公告前指定第二见证人（本部门纪检监督人员，或经联席办为本任务指定的人员）。"
            )
        )
    if witness.pk == pushed_by.pk:
        raise ValidationError(_("公告人不能担任本次抽取的第二见证人。"))


def reveal_time(now: datetime, requested: datetime | None) -> datetime:
    """The earliest reveal time the announcement states: the office's minimum delay, or later."""
    earliest = now + timedelta(minutes=TaskPolicy.current().reveal_delay_minutes)
    if requested is None:
        return earliest
    requested = requested.replace(microsecond=0)
    if requested < earliest:
        raise ValidationError(
            {
                "reveal_at": _("最早揭示时间不能早于 %(t)s（公告后 %(m)s 分钟）。")
                % {
                    "t": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M"),
                    "m": TaskPolicy.current().reveal_delay_minutes,
                }
            }
        )
    return requested


def next_draw_number(task: Task) -> int:
    return (task.draws.aggregate(top=Max("number"))["top"] or 0) + 1


def witness_roster(task: Task) -> list[dict[str, str]]:
    """Who gives the witness entries, as announced: each participating department, or for a
    single-department task the named second person of the lead department (codes, never names)."""
    participants = sorted(
        task.participating_departments.exclude(pk=task.lead_department_id).values_list(
            "code", flat=True
        )
    )
    if participants:
        return [{"department": code, "role": ReviewRole.DEPARTMENT.value} for code in participants]
    return [{"department": task.lead_department.code, "role": ReviewRole.SECOND_PERSON.value}]


def _create_reviews(draw: Draw, task: Task, roster: list[dict[str, str]]) -> None:
    codes = [row["department"] for row in roster]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    DrawReview.objects.bulk_create(
        [
            DrawReview(draw=draw, department=departments[row["department"]], role=row["role"])
            for row in roster
        ]
    )


def announce_draw(
    *,
    task: Task,
    announced_by: User,
    snapshot: Snapshot,
    reveal_not_before: datetime,
    roster: list[dict[str, str]],
    announced_at: datetime | None = None,
    kind: str = DrawKind.DRAW,
    protocol_task_id: str | None = None,
    replaces: Draw | None = None,
    **extra: Any,
) -> Draw:
    """Freeze the inputs and announce (draw-protocol.md §3 step 1) in the caller's transaction.

    The params carry the announcement's descriptive fields (the earliest reveal time, the witness
    roster, the announcement replaced), so that H_params binds them before any randomness exists."""
    number = next_draw_number(task)
    protocol_task_id = protocol_task_id or task.code
    inputs = snapshot.inputs
    secret = draw_secrets.new_secret()
    try:
        # §3 step 1: the feasibility pre-check runs over all candidates before anything is logged.
        precheck_inspectors(inputs.inspectors, inputs.params)
    except ProtocolError as error:
        raise ValidationError(protocol_error_message(error)) from None
    inputs.params["reveal_not_before"] = format_ts(reveal_not_before)
    inputs.params["witnesses"] = roster
    if replaces is not None:
        inputs.params["replaces"] = {
            "draw": f"{replaces.protocol_task_id}#{replaces.number}",
            "state": replaces.state,
        }
    files = snapshot_files(inputs)  # each file is built, hashed and compressed exactly once
    snapshots = {name: sha256_hex(data) for name, data in files.items()}
    snapshots["params"] = canonical_hash(inputs.params)
    chain = LogChain()
    draw = Draw(
        task=task,
        number=number,
        kind=kind,
        state=DrawState.ANNOUNCED,
        protocol_task_id=protocol_task_id,
        sealed_secret=draw_secrets.seal(secret, f"{task.code}|{number}"),
        commitment="",
        snapshots=snapshots,
        params=inputs.params,
        candidate_file=Draw.pack(files["candidates"]),
        inspector_file=Draw.pack(files["inspectors"]),
        conflict_file=Draw.pack(files["conflicts"]),
        candidate_count=len(inputs.candidates),
        must_count=sum(map(truth, map(attrgetter("must"), inputs.candidates))),
        inspector_count=len(inputs.inspectors),
        conflict_count=len(inputs.conflicts),
        must_reasons=snapshot.must_reasons,
        selection_notes=snapshot.notes,
        announced_by=announced_by,
        announced_at=announced_at or timezone.now().replace(microsecond=0),
        reveal_not_before=reveal_not_before,
        redraw_of=replaces,
        **extra,
    )
    draw.save(force_insert=True)
    # Exactly the entry LogChain.announce writes (§7a), with the hashes computed once above.
    entry = append_entry(
        draw,
        chain,
        "announce",
        task.lead_department.code,
        {"snapshots": snapshots, "commitment": commitment(secret), "beacon": "none"},
    )
    draw.commitment = entry["data"]["commitment"]
    draw.save(update_fields=["commitment", "head_hash"])
    _create_reviews(draw, task, roster)
    return draw


# --- group members -------------------------------------------------------------------------------


def _people(codes: list[str]) -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    inspectors = {
        code: (pk, dept)
        for code, pk, dept in Inspector.objects.filter(code__in=codes).values_list(
            "code", "id", "department__code"
        )
    }
    experts = dict(Expert.objects.filter(code__in=codes).values_list("code", "id"))
    return inspectors, experts


def group_member_rows(
    draw: Draw, groups: dict[str, Any], *, added_by: Draw | None = None
) -> list[GroupMember]:
    """GroupMember rows (unsaved) for {group id: {"leader": code, "members": [codes]}}."""
    codes = [code for group in groups.values() for code in group["members"]]
    inspectors, experts = _people(codes)
    members = []
    for group_id, group in groups.items():
        for code in group["members"]:
            inspector = inspectors.get(code)
            members.append(
                GroupMember(
                    draw=draw,
                    group_id=group_id,
                    code=code,
                    department_code=inspector[1] if inspector else EXPERT_DEPARTMENT,
                    inspector_id=inspector[0] if inspector else None,
                    expert_id=experts.get(code) if not inspector else None,
                    is_leader=code == group["leader"],
                    added_by=added_by,
                )
            )
    return members


def current_members(draw: Draw) -> QuerySet[GroupMember]:
    """The members of a drawn main draw's groups as they stand now (replaced ones left out)."""
    return GroupMember.objects.filter(draw=draw, replaced_by__isnull=True)


def operational_groups(draw: Draw) -> dict[str, dict[str, Any]]:
    """{group id: {"leader": code, "members": [sorted codes]}} of the members standing now, in the
    shape of a result's groups, so that they compare with the published results exactly."""
    groups: dict[str, dict[str, Any]] = {}
    for group_id, code, is_leader in current_members(draw).values_list(
        "group_id", "code", "is_leader"
    ):
        group = groups.setdefault(group_id, {"leader": "", "members": []})
        group["members"].append(code)
        if is_leader:
            group["leader"] = code if not group["leader"] else "(several)"
    for group in groups.values():
        group["members"].sort()
    return dict(sorted(groups.items()))


def expected_groups(draw: Draw) -> dict[str, dict[str, Any]]:
    """The groups the published results say stand now: the main draw's, each replaced by the group
    of the latest completed replacement draw of that group (its result is the whole new group)."""
    groups = {gid: dict(group) for gid, group in (draw.result or {}).get("groups", {}).items()}
    replacements = draw.replacements.filter(
        kind=DrawKind.REPLACEMENT, state=DrawState.DRAWN
    ).order_by("number")
    for replacement in replacements:
        assert replacement.result is not None  # a drawn draw has its result
        ((_gid, group),) = replacement.result["groups"].items()
        groups[replacement.replaced_group] = {
            "leader": group["leader"],
            "members": sorted(group["members"]),
        }
    return dict(sorted(groups.items()))

"""The audited random draw of a joint task (draw-protocol.md, ssj-draw/1).

Ceremony on the platform:
1. `task_push_to_review` freezes the inputs, runs the feasibility pre-check and announces the draw
   (commitment C = H(S); S sealed server-side) — the announcement is public from this moment;
2. each participating department confirms with its witness entry (`review_confirm`) or returns the
   task with a reason (`review_return`, which withdraws the announcement: logged, never deleted);
   a single-department task needs a named second witness instead;
3. the lead department reveals (`draw_reveal`): a conditional UPDATE claims the draw exactly once and
   a Celery job runs `draw_execute`, which computes both stages in memory and persists the result,
   the drawn lists and the log in one transaction; a protocol failure is logged in its own
   transaction (`draw_failed`).
A drawn list is never edited: voiding needs the office's approval and a reason; a redraw is a new
draw that references the old one; an inspector who falls ill is replaced by a replacement draw.
"""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter, truth
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from accounts.roles import is_office_admin, require
from registries.drawable import EXPERT_DEPARTMENT
from registries.models import Expert, InspectionObject, Inspector
from tasks.choices import DrawKind, DrawState, ReviewRole, ReviewStatus, TaskStatus
from tasks.draw import protocol
from tasks.draw.fast import draw_groups_fast as draw_groups
from tasks.draw.fast import draw_objects_from_file
from tasks.draw.protocol import (
    DrawFailed,
    DrawInputs,
    InfeasibleDraw,
    LogChain,
    ProtocolError,
    Ticketer,
    build_bundle,
    canonical_hash,
    commitment,
    compute_seed,
    normalise_witness,
    precheck_inspectors,
    sha256_hex,
)
from tasks.models import Draw, DrawLogEntry, DrawnObject, DrawReview, GroupMember, Task
from tasks.permissions import can_be_second_witness, can_manage_task, can_review_as_department
from tasks.services import secrets as draw_secrets
from tasks.services.snapshots import Snapshot, snapshot_files, snapshot_task, trusted_inputs

# `draw_groups` above is stage 2 of every platform draw: tasks.draw.fast.draw_groups_fast, a
# drop-in for (and proven identical to) protocol.draw_groups, see tests/tasks/draw/
# test_fast_stage2.py. `_compute(..., reference=True)` runs the reference protocol instead.
SYSTEM = "system"
PUSHABLE = (TaskStatus.DRAFT, TaskStatus.APPROVED)


@contextmanager
def _gc_paused() -> Iterator[None]:
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


# --- log -----------------------------------------------------------------------------------------


def _chain(draw: Draw) -> LogChain:
    return LogChain([entry.as_entry() for entry in draw.log_entries.order_by("seq")])


def _append(
    draw: Draw,
    chain: LogChain,
    entry_type: str,
    actor: str,
    data: dict[str, Any] | None = None,
    *,
    build=None,
) -> dict:
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


def _record(draw: Draw, actor: User | None, action: str, **details: Any) -> None:
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


# --- announce ------------------------------------------------------------------------------------


def _next_number(task: Task) -> int:
    return (task.draws.aggregate(top=Max("number"))["top"] or 0) + 1


def _create_reviews(draw: Draw, task: Task) -> None:
    participants = list(task.participating_departments.exclude(pk=task.lead_department_id))
    if participants:
        DrawReview.objects.bulk_create(
            [
                DrawReview(draw=draw, department=department, role=ReviewRole.DEPARTMENT)
                for department in participants
            ]
        )
    else:
        DrawReview.objects.create(
            draw=draw, department=task.lead_department, role=ReviewRole.SECOND_PERSON
        )


def _announce(
    *,
    task: Task,
    announced_by: User,
    snapshot: Snapshot,
    kind: str = DrawKind.DRAW,
    protocol_task_id: str | None = None,
    **extra: Any,
) -> Draw:
    number = _next_number(task)
    protocol_task_id = protocol_task_id or task.code
    inputs = snapshot.inputs
    secret = draw_secrets.new_secret()
    try:
        # §3 step 1: the feasibility pre-check runs over all candidates before anything is logged.
        precheck_inspectors(inputs.inspectors, inputs.params)
    except ProtocolError as error:
        raise ValidationError(protocol_error_message(error)) from None
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
        announced_at=timezone.now(),
        **extra,
    )
    draw.save(force_insert=True)
    # Exactly the entry LogChain.announce writes (§7a), with the hashes computed once above.
    entry = _append(
        draw,
        chain,
        "announce",
        task.lead_department.code,
        {"snapshots": snapshots, "commitment": commitment(secret), "beacon": "none"},
    )
    draw.commitment = entry["data"]["commitment"]
    draw.save(update_fields=["commitment", "head_hash"])
    _create_reviews(draw, task)
    return draw


def _lock_task(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("lead_department").get(pk=task.pk)


def _last_main_draw(task: Task) -> Draw | None:
    return task.draws.filter(kind=DrawKind.DRAW).order_by("-number").first()


@_gc_paused()
@transaction.atomic
def task_push_to_review(*, task: Task, pushed_by: User, redraw_reason: str = "") -> Draw:
    """Freeze the candidate set, strata and parameters, and announce the draw (会审 starts).

    A task whose previous draw failed or was voided gets a redraw: a new draw with a new secret
    that references the old one and records why.
    """
    task = _lock_task(task)
    if not can_manage_task(pushed_by, task):
        raise PermissionDenied(_("只有牵头部门可以提交会审。"))
    if task.status not in PUSHABLE:
        raise ValidationError(
            _("任务当前状态为“%(s)s”，不能提交会审。") % {"s": task.get_status_display()}
        )
    if task.is_adhoc and task.approved_at is None:
        raise ValidationError(_("临时任务须经联席办审批后才能提交会审。"))
    if task.draws.filter(
        kind=DrawKind.DRAW, state__in=[DrawState.DRAWN, DrawState.ANNOUNCED, DrawState.DRAWING]
    ).exists():
        raise ValidationError(_("该任务已有有效的抽取或公告。"))
    previous = (
        task.draws.filter(kind=DrawKind.DRAW, state__in=[DrawState.FAILED, DrawState.VOIDED])
        .order_by("-number")
        .first()
    )
    extra: dict[str, Any] = {}
    if previous is not None:
        reason = redraw_reason.strip() or (
            _("上次抽取失败：%(r)s") % {"r": previous.failure_reason}
            if previous.state == DrawState.FAILED
            else _("上次抽取已作废：%(r)s") % {"r": previous.void_reason}
        )
        extra = {"redraw_of": previous, "redraw_reason": reason}
    try:
        snapshot = snapshot_task(task)
    except ProtocolError as error:
        raise ValidationError(protocol_error_message(error)) from None
    draw = _announce(task=task, announced_by=pushed_by, snapshot=snapshot, **extra)
    del snapshot  # its 100,000 rows are freed now, while the collector is paused
    task.status = TaskStatus.IN_REVIEW
    task.save(update_fields=["status", "updated_at"])
    _record(
        draw,
        pushed_by,
        "draw.announce",
        commitment=draw.commitment,
        snapshots=draw.snapshots,
        candidates=draw.candidate_count,
        redraw_of=draw.redraw_of.protocol_task_id + f"#{draw.redraw_of.number}"
        if draw.redraw_of
        else None,
    )
    return draw


# --- joint review --------------------------------------------------------------------------------


def _lock_draw(draw_id: int, *, files: bool = True) -> Draw:
    """The draw, locked; `files=False` leaves out the frozen files (a few MB of gzip for a large
    draw) for the steps that never read them."""
    queryset = Draw.objects.select_for_update().select_related("task", "task__lead_department")
    if not files:
        queryset = queryset.defer("candidate_file", "inspector_file", "conflict_file")
    return queryset.get(pk=draw_id)


@transaction.atomic
def review_confirm(*, review: DrawReview, confirmed_by: User, witness: str) -> DrawReview:
    """A participating department confirms the task and adds its witness entry (NFC, trimmed).
    The value stays hidden from everyone until the reveal."""
    draw = _lock_draw(review.draw_id, files=False)
    review = DrawReview.objects.select_for_update().get(pk=review.pk)
    if review.role == ReviewRole.SECOND_PERSON:
        if not can_be_second_witness(confirmed_by, draw.task, draw.announced_by_id):
            raise PermissionDenied(
                _("单部门任务须由指定的纪检监督人员或部门负责人（非公告人）见证。")
            )
    elif not can_review_as_department(confirmed_by, review.department_id):
        raise PermissionDenied(_("只有该参与部门的工作人员可以会审。"))
    if draw.state != DrawState.ANNOUNCED or review.status != ReviewStatus.PENDING:
        raise ValidationError(_("该会审已处理或公告已撤回。"))
    try:
        value = normalise_witness(witness)
    except ProtocolError:
        raise ValidationError({"witness": _("见证值不能为空，且不能包含换行。")}) from None
    if len(value) > 200:
        raise ValidationError({"witness": _("见证值不能超过200个字符。")})
    _append(draw, _chain(draw), "witness", review.department.code, {"value": value})
    draw.save(update_fields=["head_hash"])
    review.status = ReviewStatus.CONFIRMED
    review.witness_value = value
    review.witness_name = confirmed_by.full_name or confirmed_by.username
    review.decided_by, review.decided_at = confirmed_by, timezone.now()
    review.save(
        update_fields=["status", "witness_value", "witness_name", "decided_by", "decided_at"]
    )
    _record(
        draw,
        confirmed_by,
        "draw.review_confirm",
        department=review.department.code,
        role=review.role,
    )
    return review


def _withdraw(draw: Draw, *, actor_code: str, reason: str) -> None:
    """Withdraw an announcement: a logged `void` entry (never a deletion); pending reviews lapse."""
    _append(draw, _chain(draw), "void", actor_code, {"reason": reason, "withdrawn": "announcement"})
    draw.state, draw.withdrawn_reason, draw.withdrawn_at = (
        DrawState.WITHDRAWN,
        reason,
        timezone.now(),
    )
    draw.save(update_fields=["state", "withdrawn_reason", "withdrawn_at", "head_hash"])
    draw.reviews.filter(status=ReviewStatus.PENDING).update(status=ReviewStatus.CANCELLED)
    if draw.kind == DrawKind.DRAW:
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAFT, last_return_reason=reason, updated_at=timezone.now()
        )


@transaction.atomic
def review_return(*, review: DrawReview, returned_by: User, reason: str) -> DrawReview:
    """A participating department returns the task with a reason; the announcement is withdrawn and
    a new one (new secret) is made when the task goes back to review."""
    draw = _lock_draw(review.draw_id, files=False)
    review = DrawReview.objects.select_for_update().get(pk=review.pk)
    if review.role == ReviewRole.SECOND_PERSON:
        if not can_be_second_witness(returned_by, draw.task, draw.announced_by_id):
            raise PermissionDenied(_("只有指定的见证人可以退回。"))
    elif not can_review_as_department(returned_by, review.department_id):
        raise PermissionDenied(_("只有该参与部门的工作人员可以会审。"))
    if draw.state != DrawState.ANNOUNCED or review.status != ReviewStatus.PENDING:
        raise ValidationError(_("该会审已处理或公告已撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("退回须说明原因。")})
    review.status, review.return_reason = ReviewStatus.RETURNED, reason.strip()
    review.decided_by, review.decided_at = returned_by, timezone.now()
    review.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    _withdraw(
        draw,
        actor_code=review.department.code,
        reason=_("%(d)s 退回：%(r)s") % {"d": review.department.display_name, "r": reason.strip()},
    )
    _record(
        draw,
        returned_by,
        "draw.review_return",
        department=review.department.code,
        reason=reason.strip(),
    )
    return review


@transaction.atomic
def draw_withdraw(*, draw: Draw, withdrawn_by: User, reason: str) -> Draw:
    """The lead department withdraws its own announcement (e.g. to change the task)."""
    draw = _lock_draw(draw.pk, files=False)
    if not can_manage_task(withdrawn_by, draw.task):
        raise PermissionDenied(_("只有牵头部门可以撤回公告。"))
    if draw.state != DrawState.ANNOUNCED:
        raise ValidationError(_("只有待揭示的公告可以撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("撤回须说明原因。")})
    _withdraw(draw, actor_code=draw.task.lead_department.code, reason=reason.strip())
    _record(draw, withdrawn_by, "draw.withdraw", reason=reason.strip())
    return draw


# --- reveal and draw -----------------------------------------------------------------------------


def reviews_complete(draw: Draw) -> bool:
    statuses = list(draw.reviews.values_list("status", flat=True))
    return bool(statuses) and all(status == ReviewStatus.CONFIRMED for status in statuses)


def draw_reveal(*, draw: Draw, revealed_by: User) -> Draw:
    """Claim the draw for execution, exactly once, and queue the job after commit.

    Submitted twice or by two users at once, only one conditional UPDATE changes a row; the other
    caller gets the already claimed draw back and queues nothing.
    """
    with transaction.atomic():
        current = _lock_draw(draw.pk, files=False)
        if not can_manage_task(revealed_by, current.task):
            raise PermissionDenied(_("只有牵头部门可以揭示并抽取。"))
        if current.state in (DrawState.DRAWING, DrawState.DRAWN):
            return current
        if current.state != DrawState.ANNOUNCED:
            raise ValidationError(_("该公告已撤回或已失败，不能揭示。"))
        if not reviews_complete(current):
            raise ValidationError(_("尚有部门未确认会审，不能揭示。"))
        claimed = Draw.objects.filter(pk=current.pk, state=DrawState.ANNOUNCED).update(
            state=DrawState.DRAWING, revealed_by=revealed_by, revealed_at=timezone.now()
        )
        if claimed != 1:  # pragma: no cover - the row lock above makes this unreachable
            return Draw.objects.get(pk=current.pk)
        current.refresh_from_db()
        _record(current, revealed_by, "draw.reveal_requested")
        from tasks.jobs import draw_run_job

        transaction.on_commit(lambda: draw_run_job.delay(current.pk))
    return current


@_gc_paused()
def draw_execute(*, draw_id: int) -> Draw:
    """The job body: compute and persist the draw atomically; a protocol failure is recorded in
    its own transaction. Re-running it (a retried job) is harmless."""
    try:
        return _execute_atomic(draw_id)
    except ProtocolError as error:
        return _record_failure(draw_id, error)


def _frozen_files(draw: Draw) -> dict[str, bytes]:
    """The stored files, checked against the hashes announced before any randomness existed: a
    file changed in the database after the announcement stops the draw."""
    files = {
        "candidates": gzip.decompress(bytes(draw.candidate_file)),
        "inspectors": gzip.decompress(bytes(draw.inspector_file)),
        "conflicts": gzip.decompress(bytes(draw.conflict_file)),
    }
    for name, data in files.items():
        if sha256_hex(data) != draw.snapshots[name]:
            raise ProtocolError(f"the frozen {name} file no longer matches its announced hash")
    if canonical_hash(draw.params) != draw.snapshots["params"]:
        raise ProtocolError("the frozen params no longer match their announced hash")
    return files


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")[:-1]


def _compute(
    draw: Draw, secret_hex: str, witnesses: list[str], *, reference: bool = False
) -> dict[str, Any]:
    """Exactly `run_draw` (seed, stage 1, stage 2) over the frozen files, reusing the announced
    hashes instead of re-sorting 100,000 rows; the files were validated at the announcement.

    By default stage 1 runs on the candidate file's bytes and stage 2 is the fast one, both proven
    identical to the reference; `reference=True` parses the rows and runs protocol.draw_objects
    and protocol.draw_groups, for cross-checking a platform draw."""
    files = _frozen_files(draw)
    seed = compute_seed(draw.protocol_task_id, draw.snapshots, secret_hex, draw.beacon, witnesses)
    inputs = trusted_inputs(
        draw.protocol_task_id,
        _lines(files["candidates"]) if reference else [],
        _lines(files["inspectors"]),
        _lines(files["conflicts"]),
        draw.params,
        validate=False,
    )
    strata = draw.params["strata"]
    if reference:
        ticketer = Ticketer(seed)
        objects = protocol.draw_objects(inputs.candidates, strata, ticketer)
        stage2 = protocol.draw_groups(
            list(objects), inputs.inspectors, inputs.conflicts, draw.params, ticketer
        )
    else:
        objects = draw_objects_from_file(files["candidates"], strata, seed)
        stage2 = draw_groups(list(objects), inputs.inspectors, inputs.conflicts, draw.params, seed)
    return {"seed": seed, "objects": objects, **stage2}


def _inputs_of(draw: Draw) -> DrawInputs:
    return trusted_inputs(
        draw.protocol_task_id,
        draw.candidate_rows(),
        draw.inspector_rows(),
        draw.conflict_rows(),
        draw.params,
    )


def _secret_hex(draw: Draw) -> str:
    return draw_secrets.unseal(draw.sealed_secret, f"{draw.task.code}|{draw.number}").hex()


@transaction.atomic
def _execute_atomic(draw_id: int) -> Draw:
    draw = _lock_draw(draw_id)
    if draw.state != DrawState.DRAWING:
        return draw  # already drawn (or never claimed): a repeated job does nothing
    secret_hex = _secret_hex(draw)
    chain = _chain(draw)
    witnesses = [entry["data"]["value"] for entry in chain.entries if entry["type"] == "witness"]
    result = _compute(draw, secret_hex, witnesses)  # ProtocolError → rollback, failure logged
    lead_code = draw.task.lead_department.code
    _append(
        draw,
        chain,
        "reveal",
        lead_code,
        build=lambda c, now: c.reveal(secret_hex, actor=lead_code, ts=now),
    )
    result_entry = _append(
        draw, chain, "result", SYSTEM, build=lambda c, now: c.result(result, actor=SYSTEM, ts=now)
    )
    draw.state = DrawState.DRAWN
    draw.revealed_secret = secret_hex
    draw.witnesses = witnesses
    draw.seed = result["seed"]
    draw.result = result
    draw.result_hash = result_entry["data"]["result_hash"]  # H(result), hashed once
    draw.drawn_at = timezone.now()
    draw.save(
        update_fields=[
            "state",
            "revealed_secret",
            "witnesses",
            "seed",
            "result",
            "result_hash",
            "drawn_at",
            "head_hash",
        ]
    )
    if draw.kind == DrawKind.REPLACEMENT:
        _apply_replacement(draw, result)
    else:
        _persist_lists(draw, result)
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAWN, updated_at=timezone.now()
        )
    _record(
        draw,
        draw.revealed_by,
        "draw.result",
        seed=draw.seed,
        result_hash=draw.result_hash,
        objects=len(result["objects"]),
        groups=len(result["groups"]),
    )
    return draw


def _persist_lists(draw: Draw, result: dict[str, Any]) -> None:
    codes = list(result["objects"])
    # One set-based INSERT … SELECT over arrays: resolves the object ids by code in the database.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {DrawnObject._meta.db_table} (draw_id, inspection_object_id, code, stratum, group_id)
            SELECT %s, o.id, x.code, x.stratum, x.group_id
            FROM unnest(%s::text[], %s::text[], %s::text[]) AS x(code, stratum, group_id)
            JOIN {InspectionObject._meta.db_table} o ON o.code = x.code
            """,
            [
                draw.pk,
                codes,
                [result["objects"][c] for c in codes],
                [result["assignment"][c] for c in codes],
            ],
        )
        if cursor.rowcount != len(codes):
            raise RuntimeError("a drawn object is missing from the registry")
    GroupMember.objects.bulk_create(_members(draw, result["groups"]), batch_size=5000)


def _people(codes: list[str]) -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    inspectors = {
        code: (pk, dept)
        for code, pk, dept in Inspector.objects.filter(code__in=codes).values_list(
            "code", "id", "department__code"
        )
    }
    experts = dict(Expert.objects.filter(code__in=codes).values_list("code", "id"))
    return inspectors, experts


def _members(
    draw: Draw, groups: dict[str, Any], *, added_by: Draw | None = None
) -> list[GroupMember]:
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


def _record_failure(draw_id: int, error: ProtocolError) -> Draw:
    reason = protocol_error_message(error)
    with transaction.atomic():
        draw = _lock_draw(draw_id)
        if draw.state != DrawState.DRAWING:
            return draw
        secret_hex = _secret_hex(draw)
        chain = _chain(draw)
        lead_code = draw.task.lead_department.code
        # The secret is revealed so that anyone can recompute that the draw failed.
        _append(
            draw,
            chain,
            "reveal",
            lead_code,
            build=lambda c, now: c.reveal(secret_hex, actor=lead_code, ts=now),
        )
        _append(draw, chain, "draw_failed", SYSTEM, {"reason": str(error)})
        draw.state, draw.failure_reason, draw.revealed_secret = DrawState.FAILED, reason, secret_hex
        draw.witnesses = [
            entry["data"]["value"] for entry in chain.entries if entry["type"] == "witness"
        ]
        draw.save(
            update_fields=["state", "failure_reason", "revealed_secret", "witnesses", "head_hash"]
        )
        if draw.kind == DrawKind.DRAW:
            Task.objects.filter(pk=draw.task_id).update(
                status=TaskStatus.DRAFT, last_return_reason=reason, updated_at=timezone.now()
            )
        _record(draw, None, "draw.failed", reason=str(error))
    return draw


# --- void ----------------------------------------------------------------------------------------


@transaction.atomic
def draw_void_request(*, draw: Draw, requested_by: User, reason: str) -> Draw:
    draw = _lock_draw(draw.pk)
    if not can_manage_task(requested_by, draw.task):
        raise PermissionDenied(_("只有牵头部门可以申请作废。"))
    if draw.state != DrawState.DRAWN or draw.kind != DrawKind.DRAW:
        raise ValidationError(_("只有已完成的抽取可以申请作废。"))
    if draw.void_requested_at is not None:
        raise ValidationError(_("已申请作废，等待联席办审批。"))
    if not reason.strip():
        raise ValidationError({"reason": _("申请作废须说明原因。")})
    draw.void_reason, draw.void_requested_by, draw.void_requested_at = (
        reason.strip(),
        requested_by,
        timezone.now(),
    )
    draw.save(update_fields=["void_reason", "void_requested_by", "void_requested_at"])
    _record(draw, requested_by, "draw.void_request", reason=draw.void_reason)
    return draw


@transaction.atomic
def draw_void_decide(*, draw: Draw, decided_by: User, approve: bool, comment: str = "") -> Draw:
    """The office approves (a `void` log entry; the task can then be redrawn) or refuses a void."""
    require(is_office_admin, decided_by, _("作废抽取须经联席办批准。"))
    draw = _lock_draw(draw.pk)
    if draw.state != DrawState.DRAWN or draw.void_requested_at is None:
        raise ValidationError(_("该抽取没有待审批的作废申请。"))
    if approve:
        office_code = decided_by.department.code
        _append(
            draw,
            _chain(draw),
            "void",
            office_code,
            {"reason": draw.void_reason, "approved_by": office_code},
        )
        draw.state, draw.voided_by, draw.voided_at = DrawState.VOIDED, decided_by, timezone.now()
        draw.save(update_fields=["state", "voided_by", "voided_at", "head_hash"])
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAFT, last_return_reason=draw.void_reason, updated_at=timezone.now()
        )
        _record(draw, decided_by, "draw.void", reason=draw.void_reason, comment=comment)
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("不予作废须说明原因。")})
        _record(
            draw, decided_by, "draw.void_refused", reason=draw.void_reason, comment=comment.strip()
        )
        draw.void_requested_at, draw.void_requested_by, draw.void_reason = None, None, ""
        draw.save(update_fields=["void_reason", "void_requested_by", "void_requested_at"])
    return draw


# --- bundle --------------------------------------------------------------------------------------


def draw_has_bundle(draw: Draw) -> bool:
    return draw.state in (DrawState.DRAWN, DrawState.VOIDED) and draw.result is not None


def draw_bundle(draw: Draw) -> dict[str, Any]:
    """The §8 bundle of a drawn (or later voided) draw."""
    if not draw_has_bundle(draw):
        raise ValidationError(_("该抽取尚未完成，没有可公开的数据包。"))
    return build_bundle(
        _inputs_of(draw),
        draw.revealed_secret,
        draw.beacon,
        list(draw.witnesses),
        draw.result,
        [entry.as_entry() for entry in draw.log_entries.order_by("seq")],
    )


def bundle_json(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


from tasks.services.replacements import _apply_replacement  # noqa: E402  (circular by design)

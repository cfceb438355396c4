"""The audited random draw of a joint task (draw-protocol.md, ssj-draw/1).

Ceremony on the platform:
1. `task_push_to_review` checks that the task is drawn as planned or as approved (its terms, the
   rate caps, the named second witness), freezes the inputs, runs the feasibility pre-check and
   announces the draw (commitment C = H(S); S sealed server-side) with the earliest reveal time
   and the witness roster — the announcement is public from this moment;
2. each participating department confirms with its witness entry (`review_confirm`) or returns the
   task with a reason (`review_return`, which withdraws the announcement: logged, never deleted);
   a single-department task has its named second witness instead;
3. the lead department reveals (`draw_reveal`), not before the announced time: a conditional
   UPDATE claims the draw exactly once and the draw job (tasks.services.execution) computes both
   stages in memory and persists the result, the drawn lists and the log in one transaction.
Every withdrawal publishes S (and the witness entries made), so anyone can see what the withdrawn
announcement would have drawn; after the first witness entry it needs the office's approval.
A drawn list is never edited: voiding needs the office's approval and a reason; a new
announcement references the one it replaces; an inspector who falls ill is replaced by a
replacement draw (tasks.services.replacements).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_office_admin, require
from tasks.choices import DrawKind, DrawState, ReviewRole, ReviewStatus, TaskStatus
from tasks.draw.protocol import ProtocolError, normalise_witness
from tasks.models import Draw, DrawReview, Task
from tasks.permissions import can_be_second_witness, can_manage_task, can_review_as_department
from tasks.services.ceremony import (
    announce_draw,
    append_entry,
    check_second_witness,
    gc_paused,
    lock_draw,
    log_chain,
    protocol_error_message,
    queue_draw_job,
    record_draw_event,
    reveal_time,
    secret_hex,
    witness_roster,
)
from tasks.services.snapshots import pool_sizes, snapshot_task
from tasks.services.tasks import check_count_caps, clean_strata, matters_cap_bp
from tasks.services.terms import approval_holds

logger = logging.getLogger(__name__)
PUSHABLE = (TaskStatus.DRAFT, TaskStatus.APPROVED)
# A repeated reveal queues the draw job again once the last queueing is this old (or failed).
REQUEUE_AFTER = timedelta(seconds=30)
OPEN_OR_DRAWN = (DrawState.DRAWN, DrawState.ANNOUNCED, DrawState.DRAWING)
REPLACEABLE = (DrawState.FAILED, DrawState.VOIDED, DrawState.WITHDRAWN)


# --- announce ------------------------------------------------------------------------------------


def _lock_task(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("lead_department").get(pk=task.pk)


def _check_terms(task: Task) -> None:
    """A task is drawn exactly as planned, or exactly as the office approved it."""
    if not task.needs_approval:
        return
    if task.approved_at is None:
        if task.is_adhoc:
            raise ValidationError(_("临时任务须经联席办审批后才能提交会审。"))
        raise ValidationError(
            _(
                "任务的范围、比例、事项或参与部门与计划事项不一致，须说明理由并经联席办审批后才能提交会审。"
            )
        )
    if not approval_holds(task):
        raise ValidationError(_("任务要素与联席办批准的版本不一致，须重新提交联席办审批。"))


@gc_paused()
@transaction.atomic
def task_push_to_review(
    *,
    task: Task,
    pushed_by: User,
    redraw_reason: str = "",
    reveal_at: datetime | None = None,
) -> Draw:
    """Freeze the candidate set, strata and parameters, and announce the draw (会审 starts).

    A task whose previous announcement was withdrawn, or whose draw failed or was voided, gets a
    new announcement with a new secret that references the old one and records why.
    """
    task = _lock_task(task)
    if not can_manage_task(pushed_by, task):
        raise PermissionDenied(_("只有牵头部门可以提交会审。"))
    if task.status not in PUSHABLE:
        raise ValidationError(
            _("任务当前状态为“%(s)s”，不能提交会审。") % {"s": task.get_status_display()}
        )
    _check_terms(task)
    if task.draws.filter(kind=DrawKind.DRAW, state__in=OPEN_OR_DRAWN).exists():
        raise ValidationError(_("该任务已有有效的抽取或公告。"))
    check_second_witness(task, pushed_by)
    cap_bp = matters_cap_bp(list(task.matters.all()))
    clean_strata(task.strata, cap_bp=cap_bp)  # the catalog's caps may have changed since
    previous = (
        task.draws.filter(kind=DrawKind.DRAW, state__in=REPLACEABLE).order_by("-number").first()
    )
    extra: dict[str, Any] = {}
    if previous is not None:
        reasons: dict[str, str] = {
            DrawState.FAILED: _("上次抽取失败：%(r)s") % {"r": previous.failure_reason},
            DrawState.VOIDED: _("上次抽取已作废：%(r)s") % {"r": previous.void_reason},
            DrawState.WITHDRAWN: _("上次公告已撤回：%(r)s") % {"r": previous.withdrawn_reason},
        }
        extra["redraw_reason"] = redraw_reason.strip() or reasons[previous.state]
    now = timezone.now().replace(microsecond=0)
    reveal_not_before = reveal_time(now, reveal_at)
    try:
        snapshot = snapshot_task(task)
    except ProtocolError as error:
        raise ValidationError(protocol_error_message(error)) from None
    check_count_caps(task.strata, pool_sizes(snapshot.inputs.candidates), cap_bp=cap_bp)
    draw = announce_draw(
        task=task,
        announced_by=pushed_by,
        snapshot=snapshot,
        reveal_not_before=reveal_not_before,
        roster=witness_roster(task),
        announced_at=now,
        replaces=previous,
        **extra,
    )
    del snapshot  # its 100,000 rows are freed now, while the collector is paused
    task.status = TaskStatus.IN_REVIEW
    task.save(update_fields=["status", "updated_at"])
    record_draw_event(
        draw,
        pushed_by,
        "draw.announce",
        commitment=draw.commitment,
        snapshots=draw.snapshots,
        candidates=draw.candidate_count,
        reveal_not_before=draw.params["reveal_not_before"],
        redraw_of=f"{previous.protocol_task_id}#{previous.number}" if previous else None,
    )
    return draw


# --- joint review --------------------------------------------------------------------------------


@transaction.atomic
def review_confirm(*, review: DrawReview, confirmed_by: User, witness: str) -> DrawReview:
    """A participating department confirms the task and adds its witness entry (NFC, trimmed).
    The value stays hidden from everyone until the reveal."""
    draw = lock_draw(review.draw_id, files=False)
    review = DrawReview.objects.select_for_update().get(pk=review.pk)
    if review.role == ReviewRole.SECOND_PERSON:
        if not can_be_second_witness(confirmed_by, draw.task, draw.announced_by_id):
            raise PermissionDenied(_("单部门任务只能由公告前指定的第二见证人（非公告人）见证。"))
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
    append_entry(draw, log_chain(draw), "witness", review.department.code, {"value": value})
    draw.save(update_fields=["head_hash"])
    review.status = ReviewStatus.CONFIRMED
    review.witness_value = value
    review.witness_name = confirmed_by.full_name or confirmed_by.username
    review.decided_by, review.decided_at = confirmed_by, timezone.now()
    review.save(
        update_fields=["status", "witness_value", "witness_name", "decided_by", "decided_at"]
    )
    record_draw_event(
        draw,
        confirmed_by,
        "draw.review_confirm",
        department=review.department.code,
        role=review.role,
    )
    return review


def _withdraw(draw: Draw, *, actor_code: str, reason: str, approved_by: str = "") -> None:
    """Withdraw an announcement: a logged `void` entry (never a deletion) that publishes S, so
    that with the witness entries made so far anyone can compute what it would have drawn."""
    chain = log_chain(draw)
    data: dict[str, Any] = {"reason": reason, "withdrawn": "announcement"}
    if approved_by:
        data["approved_by"] = approved_by
    try:
        secret = secret_hex(draw)
    except (ValueError, ProtocolError):
        # A rotated DRAW_SECRET_KEY: S cannot be read any more, and nobody can have seen it.
        logger.warning("draw %s: withdrawn without publishing S (unreadable)", draw.pk)
        secret = ""
    if secret:
        data["secret"] = secret
    append_entry(draw, chain, "void", actor_code, data)
    draw.state, draw.withdrawn_reason, draw.withdrawn_at = (
        DrawState.WITHDRAWN,
        reason,
        timezone.now(),
    )
    draw.revealed_secret = secret
    draw.witnesses = [e["data"]["value"] for e in chain.entries if e["type"] == "witness"]
    draw.save(
        update_fields=[
            "state",
            "withdrawn_reason",
            "withdrawn_at",
            "revealed_secret",
            "witnesses",
            "head_hash",
        ]
    )
    draw.reviews.filter(status=ReviewStatus.PENDING).update(status=ReviewStatus.CANCELLED)
    if draw.kind == DrawKind.DRAW:
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAFT, last_return_reason=reason, updated_at=timezone.now()
        )


@transaction.atomic
def review_return(*, review: DrawReview, returned_by: User, reason: str) -> DrawReview:
    """A participating department returns the task with a reason; the announcement is withdrawn
    (S published) and a new one (new secret) is made when the task goes back to review."""
    draw = lock_draw(review.draw_id, files=False)
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
    record_draw_event(
        draw,
        returned_by,
        "draw.review_return",
        department=review.department.code,
        reason=reason.strip(),
    )
    return review


def _has_witness_entry(draw: Draw) -> bool:
    return draw.log_entries.filter(type="witness").exists()


@transaction.atomic
def draw_withdraw(*, draw: Draw, withdrawn_by: User, reason: str) -> Draw:
    """The lead department withdraws its own announcement (e.g. to change the task), alone only
    while no witness entry exists; after that it asks the office (`draw_withdraw_request`)."""
    draw = lock_draw(draw.pk, files=False)
    if not can_manage_task(withdrawn_by, draw.task):
        raise PermissionDenied(_("只有牵头部门可以撤回公告。"))
    if draw.state != DrawState.ANNOUNCED:
        raise ValidationError(_("只有待揭示的公告可以撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("撤回须说明原因。")})
    if _has_witness_entry(draw):
        raise ValidationError(
            _("已有见证值录入，撤回公告须经联席办批准：请提交撤回申请并说明原因。")
        )
    _withdraw(draw, actor_code=draw.task.lead_department.code, reason=reason.strip())
    record_draw_event(draw, withdrawn_by, "draw.withdraw", reason=reason.strip())
    return draw


@transaction.atomic
def draw_withdraw_request(*, draw: Draw, requested_by: User, reason: str) -> Draw:
    """After the first witness entry the lead department asks the office to withdraw."""
    draw = lock_draw(draw.pk, files=False)
    if not can_manage_task(requested_by, draw.task):
        raise PermissionDenied(_("只有牵头部门可以申请撤回公告。"))
    if draw.state != DrawState.ANNOUNCED:
        raise ValidationError(_("只有待揭示的公告可以撤回。"))
    if draw.withdraw_requested_at is not None:
        raise ValidationError(_("已申请撤回，等待联席办审批。"))
    if not reason.strip():
        raise ValidationError({"reason": _("申请撤回须说明原因。")})
    draw.withdraw_request_reason = reason.strip()
    draw.withdraw_requested_by, draw.withdraw_requested_at = requested_by, timezone.now()
    draw.save(
        update_fields=["withdraw_request_reason", "withdraw_requested_by", "withdraw_requested_at"]
    )
    record_draw_event(draw, requested_by, "draw.withdraw_request", reason=reason.strip())
    return draw


@transaction.atomic
def draw_withdraw_decide(*, draw: Draw, decided_by: User, approve: bool, comment: str = "") -> Draw:
    """The office approves (the announcement is withdrawn, S published) or refuses a withdrawal."""
    require(is_office_admin, decided_by, _("撤回已有见证值的公告须经联席办批准。"))
    draw = lock_draw(draw.pk, files=False)
    if draw.state != DrawState.ANNOUNCED or draw.withdraw_requested_at is None:
        raise ValidationError(_("该公告没有待审批的撤回申请。"))
    reason = draw.withdraw_request_reason
    assert decided_by.department is not None  # an office admin is the office's
    if approve:
        _withdraw(
            draw,
            actor_code=decided_by.department.code,
            reason=reason,
            approved_by=decided_by.department.code,
        )
        draw.withdraw_approved_by = decided_by
        draw.save(update_fields=["withdraw_approved_by"])
        record_draw_event(
            draw, decided_by, "draw.withdraw", reason=reason, comment=comment, approved=True
        )
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("不予撤回须说明原因。")})
        record_draw_event(
            draw, decided_by, "draw.withdraw_refused", reason=reason, comment=comment.strip()
        )
        draw.withdraw_request_reason, draw.withdraw_requested_by, draw.withdraw_requested_at = (
            "",
            None,
            None,
        )
        draw.save(
            update_fields=[
                "withdraw_request_reason",
                "withdraw_requested_by",
                "withdraw_requested_at",
            ]
        )
    return draw


# --- reveal --------------------------------------------------------------------------------------


def reviews_complete(draw: Draw) -> bool:
    statuses = list(draw.reviews.values_list("status", flat=True))
    return bool(statuses) and all(status == ReviewStatus.CONFIRMED for status in statuses)


def draw_reveal(*, draw: Draw, revealed_by: User) -> Draw:
    """Claim the draw for execution, exactly once, and queue the job after commit.

    Submitted twice or by two users at once, only one conditional UPDATE changes a row. A draw
    still "drawing" (its job lost, or never queued) is queued again: the job draws exactly once,
    whatever the number of deliveries.
    """
    with transaction.atomic():
        current = lock_draw(draw.pk, files=False)
        if not can_manage_task(revealed_by, current.task):
            raise PermissionDenied(_("只有牵头部门可以揭示并抽取。"))
        if current.state == DrawState.DRAWN:
            return current
        if current.state == DrawState.DRAWING:
            # Holding the row lock proves no job is inside its transaction right now; a job queued
            # moments ago may simply not have started (a double click), so it is left alone.
            queued = current.job_queued_at
            if queued is None or queued < timezone.now() - REQUEUE_AFTER:
                Draw.objects.filter(pk=current.pk).update(job_queued_at=timezone.now())
                record_draw_event(current, revealed_by, "draw.reveal_requeued")
                transaction.on_commit(lambda: queue_draw_job(current.pk))
            return current
        if current.state != DrawState.ANNOUNCED:
            raise ValidationError(_("该公告已撤回或已失败，不能揭示。"))
        if current.withdraw_requested_at is not None:
            raise ValidationError(_("该公告有待联席办审批的撤回申请，不能揭示。"))
        if not reviews_complete(current):
            raise ValidationError(_("尚有部门未确认会审，不能揭示。"))
        now = timezone.now()
        if current.reveal_not_before is not None and now < current.reveal_not_before:
            raise ValidationError(
                _("公告写明的最早揭示时间是 %(t)s，在此之前不能揭示。")
                % {"t": timezone.localtime(current.reveal_not_before).strftime("%Y-%m-%d %H:%M")}
            )
        claimed = Draw.objects.filter(pk=current.pk, state=DrawState.ANNOUNCED).update(
            state=DrawState.DRAWING, revealed_by=revealed_by, revealed_at=now, job_queued_at=now
        )
        if claimed != 1:  # pragma: no cover - the row lock above makes this unreachable
            return Draw.objects.get(pk=current.pk)
        current.refresh_from_db()
        record_draw_event(current, revealed_by, "draw.reveal_requested")
        transaction.on_commit(lambda: queue_draw_job(current.pk))
    return current


# --- void ----------------------------------------------------------------------------------------


@transaction.atomic
def draw_void_request(*, draw: Draw, requested_by: User, reason: str) -> Draw:
    draw = lock_draw(draw.pk)
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
    record_draw_event(draw, requested_by, "draw.void_request", reason=draw.void_reason)
    return draw


@transaction.atomic
def draw_void_decide(*, draw: Draw, decided_by: User, approve: bool, comment: str = "") -> Draw:
    """The office approves (a `void` log entry; the task can then be redrawn) or refuses a void."""
    require(is_office_admin, decided_by, _("作废抽取须经联席办批准。"))
    draw = lock_draw(draw.pk)
    if draw.state != DrawState.DRAWN or draw.void_requested_at is None:
        raise ValidationError(_("该抽取没有待审批的作废申请。"))
    if approve:
        assert decided_by.department is not None  # an office admin is the office's
        office_code = decided_by.department.code
        append_entry(
            draw,
            log_chain(draw),
            "void",
            office_code,
            {"reason": draw.void_reason, "approved_by": office_code},
        )
        draw.state, draw.voided_by, draw.voided_at = DrawState.VOIDED, decided_by, timezone.now()
        draw.save(update_fields=["state", "voided_by", "voided_at", "head_hash"])
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAFT, last_return_reason=draw.void_reason, updated_at=timezone.now()
        )
        record_draw_event(draw, decided_by, "draw.void", reason=draw.void_reason, comment=comment)
        from tasks.inspections.services.deadlines import draw_deadlines_cancel

        draw_deadlines_cancel(draw=draw, cancelled_by=decided_by)
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("不予作废须说明原因。")})
        record_draw_event(
            draw, decided_by, "draw.void_refused", reason=draw.void_reason, comment=comment.strip()
        )
        draw.void_requested_at, draw.void_requested_by, draw.void_reason = None, None, ""
        draw.save(update_fields=["void_reason", "void_requested_by", "void_requested_at"])
    return draw

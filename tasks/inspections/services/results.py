"""The group's result: compiled and submitted by the leader, approved or returned by the lead
department, published; corrected as a new version with a reason.

Each approval freezes the whole result (categories, remarks, measures, every record with its
answers, opinions, commissioned checks and attachment hashes) as an insert-only ResultVersion:
the archive. A task is completed when every result of its standing draw is approved."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import canonical_json, record_event
from accounts.models import Department, User
from tasks.choices import DrawState, TaskStatus
from tasks.inspections.choices import (
    EDITABLE_RESULT_STATUSES,
    FINAL_RESULT_STATUSES,
    PROBLEM_CATEGORIES,
    MeasureKind,
    RecordStatus,
    ResultCategory,
    ResultStatus,
)
from tasks.inspections.models import Inspection, InspectionResult, ResultVersion
from tasks.inspections.permissions import (
    can_publish_result,
    can_review_result,
    is_group_leader,
)
from tasks.inspections.services._common import (
    department_contacts,
    lock_result,
    notify,
    result_label,
)
from tasks.inspections.services.deadlines import result_deadline_close, result_deadline_follow
from tasks.models import Task

RETENTION_YEARS = 2  # 000 art. 19: kept at least two years


def _require_standing(result: InspectionResult) -> None:
    if result.inspection.drawn_object.draw.state != DrawState.DRAWN:
        raise ValidationError(_("该抽取已作废，不能处理检查结果。"))


def _require_leader(result: InspectionResult, user: User) -> None:
    if not is_group_leader(user, result.inspection):
        raise PermissionDenied(_("检查结果由检查组组长汇总录入。"))


def clean_categories(categories: Iterable[str]) -> list[str]:
    """Known categories, each once, in the official order; "no problem found" stands alone."""
    chosen = set(categories)
    unknown = chosen - set(ResultCategory.values)
    if unknown:
        raise ValidationError({"categories": _("未知的检查结果类别。")})
    if not chosen:
        raise ValidationError({"categories": _("请选择检查结果。")})
    if ResultCategory.NO_PROBLEM in chosen and len(chosen) > 1:
        raise ValidationError({"categories": _("“未发现问题”不能与其他检查结果同时选择。")})
    return [value for value in ResultCategory.values if value in chosen]


@transaction.atomic
def result_compile(
    *,
    result: InspectionResult,
    compiled_by: User,
    categories: Iterable[str],
    completed_on: date,
    remarks: str = "",
    pending_departments: Iterable[Department] = (),
) -> InspectionResult:
    """The leader enters the group's result: the categories, the day the inspection ended, the
    departments whose rules were broken (for "发现问题待后续处理") and remarks. The entry
    deadline is recomputed from the completion day (20 working days)."""
    result = lock_result(result)
    _require_leader(result, compiled_by)
    _require_standing(result)
    if result.status not in EDITABLE_RESULT_STATUSES:
        raise ValidationError(_("检查结果已提交或已审核，不能修改。"))
    cleaned = clean_categories(categories)
    task = result.inspection.task
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("检查完成日期不能晚于今天。")})
    if completed_on < task.start_date:
        raise ValidationError({"completed_on": _("检查完成日期不能早于任务检查开始日期。")})
    departments = sorted(set(pending_departments), key=lambda d: d.pk)
    if ResultCategory.PENDING_FOLLOW_UP in cleaned and not departments:
        raise ValidationError(
            {"pending_departments": _("“发现问题待后续处理”须注明负责后续处理的部门。")}
        )
    if ResultCategory.PENDING_FOLLOW_UP not in cleaned:
        departments = []
    if any(department.is_office for department in departments):
        raise ValidationError({"pending_departments": _("联席办不是监管部门。")})
    remarks = (remarks or "").strip()
    if len(remarks) > 2000:
        raise ValidationError({"remarks": _("备注超过 2000 字。")})
    result.categories = cleaned
    result.completed_on = completed_on
    result.remarks = remarks
    result.save(update_fields=["categories", "completed_on", "remarks", "updated_at"])
    result_deadline_follow(result=result, changed_by=compiled_by, reason=_("录入检查完成日期"))
    result.pending_departments.set(departments)
    record_event(
        actor=compiled_by,
        action="result.compile",
        target=result,
        details={
            "categories": cleaned,
            "completed_on": completed_on,
            "due_on": result.due_on,
            "pending_departments": [d.code for d in departments],
        },
    )
    return result


def submission_problems(result: InspectionResult) -> list[str]:
    """What still stands between the result and its submission, in words (empty: ready)."""
    problems = []
    records = list(result.inspection.records.select_related("department", "matter"))
    waiting = sorted({r.department.display_name for r in records if r.status != RecordStatus.DONE})
    if waiting:
        problems.append(_("以下部门的检查记录尚未完成：%(d)s。") % {"d": "、".join(waiting)})
    if not result.categories:
        problems.append(_("尚未录入检查结果。"))
    if result.completed_on is None:
        problems.append(_("尚未填写检查完成日期。"))
    categories = set(result.categories)
    if categories == {ResultCategory.NO_PROBLEM} and any(r.problem_found for r in records):
        problems.append(_("有部门记录发现问题，检查结果不能为“未发现问题”。"))
    kinds = set(result.measures.values_list("kind", flat=True))
    if categories & PROBLEM_CATEGORIES and not kinds:
        problems.append(_("发现问题的，须登记后续处置措施。"))
    if ResultCategory.RECTIFIED in categories and MeasureKind.RECTIFY not in kinds:
        problems.append(_("“发现问题已责令改正”须登记责令整改措施（含整改期限）。"))
    return problems


@transaction.atomic
def result_submit(*, result: InspectionResult, submitted_by: User) -> InspectionResult:
    """The leader submits the compiled result for review by the lead department."""
    result = lock_result(result)
    _require_leader(result, submitted_by)
    _require_standing(result)
    if result.status not in EDITABLE_RESULT_STATUSES:
        raise ValidationError(_("检查结果已提交或已审核。"))
    problems = submission_problems(result)
    if problems:
        raise ValidationError(problems)
    result.status = ResultStatus.SUBMITTED
    result.submitted_by = submitted_by
    result.submitted_at = timezone.now()
    result.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record_event(
        actor=submitted_by,
        action="result.submit",
        target=result,
        details={"version": result.version, "categories": result.categories},
    )
    inspection = result.inspection
    notify(
        (
            user
            for user in department_contacts(inspection.task.lead_department_id)
            if user != submitted_by
        ),
        kind="inspections.result_submitted",
        department=inspection.task.lead_department,
        title=_("检查结果待审核：%(label)s") % {"label": result_label(result)},
        body=_("检查组组长已提交检查结果，请审核。"),
        url=reverse("inspections:inspection_detail", args=[inspection.pk]),
    )
    return result


@transaction.atomic
def result_return(*, result: InspectionResult, returned_by: User, reason: str) -> InspectionResult:
    """The reviewer sends the result back to the group with a reason; entry opens again."""
    result = lock_result(result)
    if not can_review_result(returned_by, result):
        raise PermissionDenied(_("检查结果由牵头部门非本组人员审核。"))
    if result.status != ResultStatus.SUBMITTED:
        raise ValidationError(_("只有待审核的检查结果可以退回。"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("退回须说明原因。")})
    result.status = ResultStatus.RETURNED
    result.return_reason = reason
    result.reviewed_by = returned_by
    result.reviewed_at = timezone.now()
    result.save(
        update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    record_event(
        actor=returned_by,
        action="result.return",
        target=result,
        details={"version": result.version, "reason": reason},
    )
    if result.submitted_by is not None:
        notify(
            [result.submitted_by],
            kind="inspections.result_returned",
            department=result.inspection.task.lead_department,
            title=_("检查结果被退回：%(label)s") % {"label": result_label(result)},
            body=reason,
            url=reverse("inspections:inspection_detail", args=[result.inspection_id]),
        )
    return result


def result_content(result: InspectionResult) -> dict[str, Any]:
    """Everything the result stands on, as plain JSON (what a ResultVersion freezes)."""
    inspection = result.inspection
    task = inspection.task
    records = []
    for record in (
        inspection.records.select_related("department", "matter")
        .prefetch_related("answers", "commissioned_checks", "attachments")
        .order_by("department__code", "matter__code")
    ):
        records.append(
            {
                "id": record.pk,
                "matter": record.matter.code,
                "matter_name": record.matter.name,
                "matter_revision": record.matter_revision,
                "department": record.department.code,
                "methods": list(record.methods),
                "inspected_on": record.inspected_on.isoformat() if record.inspected_on else None,
                "findings": record.findings,
                "opinion": record.opinion,
                "object_opinion": record.object_opinion,
                "object_representative": record.object_representative,
                "problem_found": record.problem_found,
                "answers": [
                    {
                        "position": answer.position,
                        "text": answer.text,
                        "basis": answer.basis,
                        "method": answer.method,
                        "answer": answer.answer,
                        "note": answer.note,
                    }
                    for answer in record.answers.all()
                ],
                "commissioned_checks": [
                    {
                        "kind": check.kind,
                        "body": check.body,
                        "subject": check.subject,
                        "commissioned_on": check.commissioned_on.isoformat(),
                        "conclusion": check.conclusion,
                        "concluded_on": check.concluded_on.isoformat()
                        if check.concluded_on
                        else None,
                    }
                    for check in record.commissioned_checks.all()
                ],
                "attachments": [
                    {
                        "id": attachment.pk,
                        "kind": attachment.kind,
                        "name": attachment.original_name,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                        "sha256": attachment.sha256,
                        "withdrawn": attachment.withdrawn_at is not None,
                    }
                    for attachment in record.attachments.all()
                ],
            }
        )
    measures = [
        {
            "id": measure.pk,
            "kind": measure.kind,
            "department": measure.department.code,
            "notified_department": measure.notified_department.code
            if measure.notified_department
            else None,
            "receiving_body": measure.receiving_body,
            "description": measure.description,
            "deadline_on": measure.deadline_on.isoformat() if measure.deadline_on else None,
        }
        for measure in result.measures.select_related("department", "notified_department")
    ]
    return {
        "task": {"code": task.code, "title": task.title, "lead": task.lead_department.code},
        "object": {"code": inspection.drawn_object.code, "name": inspection.inspection_object.name},
        "group": inspection.group_id,
        "version": result.version,
        "categories": list(result.categories),
        "pending_departments": sorted(result.pending_departments.values_list("code", flat=True)),
        "completed_on": result.completed_on.isoformat() if result.completed_on else None,
        "remarks": result.remarks,
        "correction_reason": result.correction_reason,
        "records": records,
        "measures": measures,
    }


def _complete_task_if_done(task: Task, actor: User) -> bool:
    """A task is completed when every result of its standing draw is approved (or published)."""
    inspections = Inspection.objects.filter(task=task, drawn_object__draw__state=DrawState.DRAWN)
    if not inspections.exists():
        return False
    if inspections.exclude(result__status__in=FINAL_RESULT_STATUSES).exists():
        return False
    changed = Task.objects.filter(pk=task.pk, status=TaskStatus.IN_PROGRESS).update(
        status=TaskStatus.COMPLETED, updated_at=timezone.now()
    )
    if changed:
        record_event(
            actor=actor,
            action="task.complete",
            target=task,
            details={"inspections": inspections.count()},
        )
    return bool(changed)


@transaction.atomic
def result_approve(*, result: InspectionResult, approved_by: User) -> InspectionResult:
    """The reviewer approves: the result is frozen as the next ResultVersion and is ready to
    publish; the task completes when it was the last result outstanding."""
    result = lock_result(result)
    if not can_review_result(approved_by, result):
        raise PermissionDenied(_("检查结果由牵头部门非本组人员审核。"))
    if result.status != ResultStatus.SUBMITTED:
        raise ValidationError(_("只有待审核的检查结果可以审核通过。"))
    _require_standing(result)
    now = timezone.now()
    content = result_content(result)
    today = timezone.localdate(now)
    version = ResultVersion.objects.create(
        result=result,
        number=result.version,
        reason=result.correction_reason,
        categories=list(result.categories),
        completed_on=result.completed_on,
        content=content,
        content_hash=hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest(),
        approved_by=approved_by,
        approved_at=now,
        retain_until=today.replace(year=today.year + RETENTION_YEARS)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + RETENTION_YEARS, day=28),
    )
    result.status = ResultStatus.APPROVED
    result.approved_version = version
    result.reviewed_by = approved_by
    result.reviewed_at = now
    result.return_reason = ""
    result.save(
        update_fields=[
            "status",
            "approved_version",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "updated_at",
        ]
    )
    record_event(
        actor=approved_by,
        action="result.approve",
        target=result,
        details={
            "version": version.number,
            "content_hash": version.content_hash,
            "categories": version.categories,
        },
    )
    result_deadline_close(result=result, closed_by=approved_by)
    _complete_task_if_done(result.inspection.task, approved_by)
    return result


@transaction.atomic
def result_publish(*, result: InspectionResult, published_by: User) -> InspectionResult:
    """Publish the approved version. A corrected result replaces the published version; the
    earlier versions stay, so the public page can say it was corrected and when."""
    result = lock_result(result)
    if not can_publish_result(published_by, result):
        raise PermissionDenied(_("检查结果由牵头部门或检查组组长公示。"))
    if result.status != ResultStatus.APPROVED or result.approved_version_id is None:
        raise ValidationError(_("只有审核通过的检查结果可以公示。"))
    previous = result.published_version_id
    result.status = ResultStatus.PUBLISHED
    result.published_version_id = result.approved_version_id
    result.published_by = published_by
    result.published_at = timezone.now()
    result.save(
        update_fields=[
            "status",
            "published_version",
            "published_by",
            "published_at",
            "updated_at",
        ]
    )
    record_event(
        actor=published_by,
        action="result.publish",
        target=result,
        details={
            "version": result.version,
            "replaces_version_id": previous,
            "corrected": previous is not None,
        },
    )
    return result


@transaction.atomic
def result_correct(
    *, result: InspectionResult, corrected_by: User, reason: str
) -> InspectionResult:
    """Open an approved or published result for correction as its next version. What was
    published stays published until the corrected version is approved and published."""
    result = lock_result(result)
    if not can_publish_result(corrected_by, result):
        raise PermissionDenied(_("更正由牵头部门或检查组组长发起。"))
    if result.status not in FINAL_RESULT_STATUSES:
        raise ValidationError(_("只有审核通过或已公示的检查结果可以更正。"))
    _require_standing(result)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("更正须说明原因。")})
    result.status = ResultStatus.OPEN
    result.version += 1
    result.correction_reason = reason[:2000]
    result.return_reason = ""
    result.save(
        update_fields=["status", "version", "correction_reason", "return_reason", "updated_at"]
    )
    record_event(
        actor=corrected_by,
        action="result.correct",
        target=result,
        details={"version": result.version, "reason": result.correction_reason},
    )
    return result

"""A department's record of its matter: answers, methods, opinions, commissioned checks.

Only the department's own members of the group write it, and only while the result is open for
entry (open, or returned by the reviewer); after approval, changes go through a correction of
the result (a new version with a reason). A record marked done that is edited again goes back
to draft, so the leader never compiles from something a department has not confirmed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from catalog.choices import InspectionMethod
from tasks.inspections.choices import RecordStatus
from tasks.inspections.models import CommissionedCheck, MatterRecord
from tasks.inspections.services._common import lock_record, require_entry

# Answers that say a check point is not met; a record with one of them has found a problem.
NEGATIVE_ANSWERS = frozenset({"不符合", "不合格", "否", "不规范", "存在问题", "未落实"})
TEXT_FIELDS = {
    "findings": 5000,
    "opinion": 2000,
    "object_opinion": 2000,
    "object_representative": 50,
}


def _check_day(value: date | None, record: MatterRecord, field: str) -> None:
    if value is None:
        return
    task = record.inspection.task
    if value > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
    if value < task.start_date:
        raise ValidationError({field: _("日期不能早于任务检查开始日期。")})


def _apply_answers(record: MatterRecord, answers: list[dict[str, Any]]) -> list[int]:
    rows = {answer.position: answer for answer in record.answers.select_for_update()}
    changed = []
    for item in answers:
        try:
            position = int(item.get("position", ""))
        except (TypeError, ValueError):
            raise ValidationError({"answers": _("检查要点序号无效。")}) from None
        row = rows.get(position)
        if row is None:
            raise ValidationError({"answers": _("第 %(p)d 条检查要点不存在。") % {"p": position}})
        answer = str(item.get("answer") or "").strip()
        note = str(item.get("note") or "").strip()
        if answer and answer not in row.allowed_answers:
            raise ValidationError(
                {
                    "answers": _("第 %(p)d 条的结论只能是：%(allowed)s。")
                    % {"p": position, "allowed": "、".join(row.allowed_answers)}
                }
            )
        if len(note) > 500:
            raise ValidationError(
                {"answers": _("第 %(p)d 条的说明超过 500 字。") % {"p": position}}
            )
        if (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            row.save(update_fields=["answer", "note"])
            changed.append(position)
    return changed


@transaction.atomic
def record_update(
    *,
    record: MatterRecord,
    entered_by: User,
    answers: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> MatterRecord:
    """Save what the department found: answers by check-point position ({position, answer,
    note}), `methods`, `inspected_on`, `findings`, `opinion`, `object_opinion`,
    `object_representative`, `problem_found`. Fields left out keep their values."""
    record = lock_record(record)
    require_entry(record, entered_by)
    unknown = set(fields) - {*TEXT_FIELDS, "methods", "inspected_on", "problem_found"}
    if unknown:
        raise ValidationError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    changed_fields: list[str] = []
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            value = str(fields[name] or "").strip()
            if len(value) > limit:
                raise ValidationError({name: _("内容超过 %(n)d 字。") % {"n": limit}})
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed_fields.append(name)
    if "methods" in fields:
        methods = list(dict.fromkeys(fields["methods"] or []))
        if any(method not in InspectionMethod.values for method in methods):
            raise ValidationError({"methods": _("检查方式无效。")})
        if methods != record.methods:
            record.methods = methods
            changed_fields.append("methods")
    if "inspected_on" in fields:
        _check_day(fields["inspected_on"], record, "inspected_on")
        if fields["inspected_on"] != record.inspected_on:
            record.inspected_on = fields["inspected_on"]
            changed_fields.append("inspected_on")
    if "problem_found" in fields and fields["problem_found"] != record.problem_found:
        record.problem_found = fields["problem_found"]
        changed_fields.append("problem_found")
    changed_answers = _apply_answers(record, answers or [])
    if not changed_fields and not changed_answers:
        return record
    if record.status == RecordStatus.DONE:
        record.status = RecordStatus.DRAFT
        changed_fields.append("status")
    record.entered_by = entered_by
    record.save(update_fields=[*changed_fields, "entered_by", "updated_at"])
    record_event(
        actor=entered_by,
        action="record.update",
        target=record,
        details={"fields": sorted(changed_fields), "answers": changed_answers},
    )
    return record


def _problem_in_answers(record: MatterRecord) -> bool:
    return any(answer.answer in NEGATIVE_ANSWERS for answer in record.answers.all())


@transaction.atomic
def record_complete(*, record: MatterRecord, completed_by: User) -> MatterRecord:
    """The department declares its record complete: every check point answered, a method and a
    date recorded, and whether a problem was found (taken from the answers when not given)."""
    record = lock_record(record)
    require_entry(record, completed_by)
    if record.status == RecordStatus.DONE:
        return record
    missing = [answer.position for answer in record.answers.all() if not answer.answer]
    if missing:
        raise ValidationError(
            {
                "answers": _("还有检查要点未填写结论：第 %(p)s 条。")
                % {"p": "、".join(str(p) for p in missing)}
            }
        )
    if not record.methods:
        raise ValidationError({"methods": _("请选择采用的检查方式。")})
    if record.inspected_on is None:
        raise ValidationError({"inspected_on": _("请填写检查日期。")})
    from_answers = _problem_in_answers(record)
    if record.problem_found is None:
        record.problem_found = from_answers
    elif from_answers and not record.problem_found:
        raise ValidationError(
            {"problem_found": _("有检查要点结论为不符合，不能记录为“未发现问题”。")}
        )
    if record.problem_found and not record.findings:
        raise ValidationError({"findings": _("发现问题的，请在现场检查情况中写明问题。")})
    record.status = RecordStatus.DONE
    record.completed_by = completed_by
    record.completed_at = timezone.now()
    record.save(
        update_fields=["status", "problem_found", "completed_by", "completed_at", "updated_at"]
    )
    record_event(
        actor=completed_by,
        action="record.complete",
        target=record,
        details={"problem_found": record.problem_found, "matter": record.matter.code},
    )
    return record


def _clean_commission(
    *, kind: str, body: str, subject: str, commissioned_on: date
) -> dict[str, Any]:
    from tasks.inspections.choices import CommissionKind

    if kind not in CommissionKind.values:
        raise ValidationError({"kind": _("委托类型无效。")})
    body, subject = body.strip(), subject.strip()
    if not body:
        raise ValidationError({"body": _("请填写受托机构。")})
    if not subject:
        raise ValidationError({"subject": _("请填写委托事项。")})
    if commissioned_on > timezone.localdate():
        raise ValidationError({"commissioned_on": _("委托日期不能晚于今天。")})
    return {"kind": kind, "body": body[:200], "subject": subject[:300]}


@transaction.atomic
def commissioned_check_add(
    *,
    record: MatterRecord,
    added_by: User,
    kind: str,
    body: str,
    subject: str,
    commissioned_on: date,
) -> CommissionedCheck:
    """Record that a qualified body was commissioned (检验检测、审计、鉴定…) for this matter."""
    record = lock_record(record)
    require_entry(record, added_by)
    cleaned = _clean_commission(
        kind=kind, body=body, subject=subject, commissioned_on=commissioned_on
    )
    check = CommissionedCheck.objects.create(
        record=record, commissioned_on=commissioned_on, created_by=added_by, **cleaned
    )
    record_event(
        actor=added_by,
        action="record.commission",
        target=record,
        details={"check": check.pk, "kind": check.kind, "body": check.body},
    )
    return check


@transaction.atomic
def commissioned_check_conclude(
    *, check: CommissionedCheck, concluded_by: User, conclusion: str, concluded_on: date
) -> CommissionedCheck:
    """Record the body's conclusion (the report itself is attached to the check)."""
    record = lock_record(check.record)
    require_entry(record, concluded_by)
    check = CommissionedCheck.objects.select_for_update().get(pk=check.pk, record=record)
    conclusion = conclusion.strip()
    if not conclusion:
        raise ValidationError({"conclusion": _("请填写结论。")})
    if concluded_on < check.commissioned_on:
        raise ValidationError({"concluded_on": _("结论日期不能早于委托日期。")})
    if concluded_on > timezone.localdate():
        raise ValidationError({"concluded_on": _("结论日期不能晚于今天。")})
    check.conclusion, check.concluded_on = conclusion[:5000], concluded_on
    check.save(update_fields=["conclusion", "concluded_on"])
    record_event(
        actor=concluded_by,
        action="record.commission_conclude",
        target=record,
        details={"check": check.pk, "concluded_on": concluded_on},
    )
    return check

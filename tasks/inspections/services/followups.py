"""Follow-up measures (后续处置措施) of results with problems, each tracked until it is closed with
a recorded outcome (003 IV: follow-up disposal 100 %; 000 art. 17):

- rectify (责令整改): a deadline, a re-inspection, then the outcome;
- notify (抄告): the notified department sees it and acknowledges; the notifying department
  closes it once acknowledged;
- case clue, judicial referral (移送): the receiving body is named; closed with the outcome;
- handover to daily supervision (移交日常监管): closed with the outcome.

Measures are registered while the result is being entered (by the leader, or a group member for
their own department) and, after approval, by the department that follows up; never while the
result waits for review. An open measure past its deadline is overdue.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from publication.calendar import add_working_days
from tasks.inspections.choices import (
    EDITABLE_RESULT_STATUSES,
    FINAL_RESULT_STATUSES,
    MeasureKind,
    MeasureStatus,
)
from tasks.inspections.models import FollowUpMeasure, InspectionResult
from tasks.inspections.permissions import (
    can_acknowledge_measure,
    can_add_measure,
    can_handle_measure,
)
from tasks.inspections.services._common import (
    lock_result,
    notify,
    result_label,
)
from tasks.inspections.services.deadlines import (
    rectification_deadline_close,
    rectification_deadline_open,
)


def _result_departments(result: InspectionResult) -> set[int]:
    inspection = result.inspection
    return {
        inspection.task.lead_department_id,
        *inspection.records.values_list("department_id", flat=True),
    }


@transaction.atomic
def measure_add(
    *,
    result: InspectionResult,
    added_by: User,
    kind: str,
    department: Department,
    description: str,
    deadline_on: date | None = None,
    notified_department: Department | None = None,
    receiving_body: str = "",
) -> FollowUpMeasure:
    """Register a follow-up measure carried out by `department` (one of the inspection's
    departments). A rectification opens its working-day deadline (the date on the notice, or
    the office's rule for rectifications counted from the inspection's end); a notification's
    acknowledgement is due NOTIFY_ACK_WORKING_DAYS working days from today."""
    result = lock_result(result)
    if not can_add_measure(added_by, result, department.pk):
        raise PermissionDenied(_("只有检查组组长或承办部门可以登记处置措施。"))
    if result.status not in (*EDITABLE_RESULT_STATUSES, *FINAL_RESULT_STATUSES):
        raise ValidationError(_("检查结果待审核期间不能登记处置措施。"))
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("处置措施类型无效。")})
    if department.pk not in _result_departments(result):
        raise ValidationError({"department": _("承办部门须是参加本次检查的部门。")})
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("请写明发现的问题和处置要求。")})
    today = timezone.localdate()
    receiving_body = receiving_body.strip()
    if kind == MeasureKind.NOTIFY:
        if notified_department is None or notified_department.pk == department.pk:
            raise ValidationError({"notified_department": _("抄告须选择其他监管部门。")})
        if notified_department.is_office or not notified_department.is_active:
            raise ValidationError({"notified_department": _("抄告须选择其他监管部门。")})
        deadline_on = deadline_on or add_working_days(today, settings.NOTIFY_ACK_WORKING_DAYS)
    else:
        notified_department = None
    by_rule = kind == MeasureKind.RECTIFY and deadline_on is None
    if by_rule:  # replaced by the deadline's due date below
        deadline_on = result.completed_on or today
    if kind in (MeasureKind.CASE_CLUE, MeasureKind.JUDICIAL) and not receiving_body:
        raise ValidationError({"receiving_body": _("请填写接收的执法机构或司法机关。")})
    # A rectification is ordered on site (责令整改通知书), so its deadline may already lie behind
    # a result entered later; it never lies before the inspection itself.
    earliest = result.completed_on or today
    if deadline_on is not None and deadline_on < earliest:
        raise ValidationError({"deadline_on": _("期限不能早于检查完成日期。")})
    measure = FollowUpMeasure.objects.create(
        result=result,
        kind=kind,
        department=department,
        notified_department=notified_department,
        receiving_body=receiving_body[:200],
        description=description[:5000],
        deadline_on=deadline_on,
        created_by=added_by,
    )
    rectification_deadline_open(measure=measure, opened_by=added_by, by_rule=by_rule)
    record_event(
        actor=added_by,
        action="measure.add",
        target=measure,
        details={
            "result": result.pk,
            "kind": kind,
            "department": department.code,
            "notified_department": notified_department.code if notified_department else None,
            "deadline_on": measure.deadline_on,
        },
    )
    if notified_department is not None:
        notify(
            kind="inspections.measure_notified",
            liaison_of=[notified_department],
            department=notified_department,
            title=_("抄告：%(label)s") % {"label": result_label(result)},
            body=_("%(dept)s 在联合抽查中发现属于贵部门职责的问题，请签收并依法处理：%(text)s")
            % {"dept": department.display_name, "text": description[:200]},
            url=reverse("inspections:measure_detail", args=[measure.pk]),
        )
    return measure


def _lock(measure: FollowUpMeasure) -> FollowUpMeasure:
    return (
        FollowUpMeasure.objects.select_for_update(of=("self",))
        .select_related(
            "department",
            "notified_department",
            "result",
            "result__inspection",
            "result__inspection__task",
            "result__inspection__drawn_object",
        )
        .get(pk=measure.pk)
    )


def _earliest(measure: FollowUpMeasure) -> date:
    """Re-inspections and outcomes happen after the inspection (perhaps before the late entry)."""
    return measure.result.completed_on or timezone.localdate(measure.created_at)


@transaction.atomic
def measure_acknowledge(
    *, measure: FollowUpMeasure, acknowledged_by: User, note: str = ""
) -> FollowUpMeasure:
    """The notified department confirms it received the notification (签收)."""
    measure = _lock(measure)
    if not can_acknowledge_measure(acknowledged_by, measure):
        raise PermissionDenied(_("只有被抄告部门可以签收。"))
    if measure.kind != MeasureKind.NOTIFY:
        raise ValidationError(_("只有抄告需要签收。"))
    if measure.acknowledged_at is not None:
        raise ValidationError(_("已签收。"))
    measure.acknowledged_by = acknowledged_by
    measure.acknowledged_at = timezone.now()
    measure.acknowledgement_note = note.strip()[:2000]
    measure.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    record_event(
        actor=acknowledged_by,
        action="measure.acknowledge",
        target=measure,
        details={"note": measure.acknowledgement_note},
    )
    # measure_notify_names_other_department: a notification names the department it notifies.
    assert measure.notified_department is not None
    notify(
        [measure.created_by] if measure.created_by_id else [],
        kind="inspections.measure_acknowledged",
        department=measure.department,
        title=_("抄告已签收：%(label)s") % {"label": result_label(measure.result)},
        body=_("%(dept)s 已签收，请记录处置结果后办结。%(note)s")
        % {
            "dept": measure.notified_department.display_name,
            "note": measure.acknowledgement_note,
        },
        url=reverse("inspections:measure_detail", args=[measure.pk]),
    )
    return measure


@transaction.atomic
def measure_recheck(
    *, measure: FollowUpMeasure, rechecked_by: User, recheck_on: date, note: str
) -> FollowUpMeasure:
    """Record the re-inspection (复查) of a rectification."""
    measure = _lock(measure)
    if not can_handle_measure(rechecked_by, measure):
        raise PermissionDenied(_("只有承办部门可以记录复查。"))
    if measure.kind != MeasureKind.RECTIFY:
        raise ValidationError(_("只有责令整改需要复查。"))
    if measure.status != MeasureStatus.OPEN:
        raise ValidationError(_("处置措施已办结。"))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写复查情况。")})
    if recheck_on > timezone.localdate():
        raise ValidationError({"recheck_on": _("复查日期不能晚于今天。")})
    if recheck_on < _earliest(measure):
        raise ValidationError({"recheck_on": _("复查日期不能早于检查完成日期。")})
    assert measure.deadline_on is not None  # measure_rectify_has_deadline
    measure.recheck_on = recheck_on
    measure.recheck_note = note[:5000]
    measure.save(update_fields=["recheck_on", "recheck_note"])
    record_event(
        actor=rechecked_by,
        action="measure.recheck",
        target=measure,
        details={"recheck_on": recheck_on, "after_deadline": recheck_on > measure.deadline_on},
    )
    return measure


@transaction.atomic
def measure_close(
    *, measure: FollowUpMeasure, closed_by: User, outcome: str, outcome_on: date
) -> FollowUpMeasure:
    """Close a measure with its outcome. A rectification needs its re-inspection first, a
    notification its acknowledgement."""
    measure = _lock(measure)
    if not can_handle_measure(closed_by, measure):
        raise PermissionDenied(_("只有承办部门可以办结处置措施。"))
    if measure.status != MeasureStatus.OPEN:
        raise ValidationError(_("处置措施已办结。"))
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("办结须记录处置结果。")})
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("办结日期不能晚于今天。")})
    if outcome_on < _earliest(measure):
        raise ValidationError({"outcome_on": _("办结日期不能早于检查完成日期。")})
    if measure.kind == MeasureKind.RECTIFY and measure.recheck_on is None:
        raise ValidationError(_("责令整改须先记录复查情况再办结。"))
    if measure.kind == MeasureKind.NOTIFY and measure.acknowledged_at is None:
        raise ValidationError(_("抄告须待被抄告部门签收后办结。"))
    measure.status = MeasureStatus.CLOSED
    measure.outcome = outcome[:5000]
    measure.outcome_on = outcome_on
    measure.closed_by = closed_by
    measure.closed_at = timezone.now()
    measure.save(update_fields=["status", "outcome", "outcome_on", "closed_by", "closed_at"])
    record_event(
        actor=closed_by,
        action="measure.close",
        target=measure,
        details={"outcome_on": outcome_on, "kind": measure.kind},
    )
    rectification_deadline_close(measure=measure, closed_by=closed_by)
    return measure

"""Combined visits (进一次门、查多项事): an object drawn by two tasks whose periods overlap is visited
once. One side (its group leader or lead department) proposes a date, the other task's lead side
agrees or declines with a reason; once agreed, both inspections take the date, and each
department still records its own matters in its own task. Either side may withdraw the
arrangement (with a reason) until a result is submitted."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from tasks.choices import DrawState
from tasks.inspections.choices import (
    EDITABLE_RESULT_STATUSES,
    CombinedVisitStatus,
    ConsentStatus,
)
from tasks.inspections.models import CombinedVisit, CombinedVisitPart, Inspection
from tasks.inspections.permissions import can_arrange_inspection
from tasks.inspections.services._common import department_contacts, notify
from tasks.inspections.services.deadlines import result_deadline_follow


def _lock_inspections(*inspections: Inspection) -> list[Inspection]:
    ids = sorted(inspection.pk for inspection in inspections)
    locked = {
        inspection.pk: inspection
        for inspection in Inspection.objects.select_for_update(of=("self",))
        .select_related("task", "task__lead_department", "drawn_object__draw", "result")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [locked[inspection.pk] for inspection in inspections]


def _check_workable(inspection: Inspection) -> None:
    if inspection.drawn_object.draw.state != DrawState.DRAWN:
        raise ValidationError(_("该抽取已作废。"))
    if inspection.result.status not in EDITABLE_RESULT_STATUSES:
        raise ValidationError(_("检查结果已提交，不能再安排合并检查。"))


@transaction.atomic
def combined_visit_propose(
    *,
    inspection: Inspection,
    other: Inspection,
    visit_on: date,
    proposed_by: User,
    note: str = "",
) -> CombinedVisit:
    """Propose to visit the object once with the other task's group on `visit_on`."""
    inspection, other = _lock_inspections(inspection, other)
    if not can_arrange_inspection(proposed_by, inspection):
        raise PermissionDenied(_("只有检查组组长或牵头部门可以提议合并检查。"))
    if inspection.inspection_object_id != other.inspection_object_id:
        raise ValidationError(_("两项检查不是同一检查对象。"))
    if inspection.task_id == other.task_id:
        raise ValidationError(_("同一任务内不需要合并检查。"))
    for each in (inspection, other):
        _check_workable(each)
        if not each.task.start_date <= visit_on <= each.task.end_date:
            raise ValidationError({"visit_on": _("合并检查日期须同时在两项任务的检查期间内。")})
    if visit_on < timezone.localdate():
        raise ValidationError({"visit_on": _("合并检查日期不能早于今天。")})
    if CombinedVisitPart.objects.filter(inspection__in=[inspection, other], is_open=True).exists():
        raise ValidationError(_("其中一项检查已有进行中的合并检查安排。"))
    visit = CombinedVisit.objects.create(
        inspection_object_id=inspection.inspection_object_id,
        visit_on=visit_on,
        note=note.strip()[:2000],
        proposed_by=proposed_by,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            CombinedVisitPart.objects.bulk_create(
                [
                    CombinedVisitPart(
                        visit=visit,
                        inspection=inspection,
                        department=inspection.task.lead_department,
                        status=ConsentStatus.AGREED,
                        decided_by=proposed_by,
                        decided_at=now,
                    ),
                    CombinedVisitPart(
                        visit=visit,
                        inspection=other,
                        department=other.task.lead_department,
                    ),
                ]
            )
    except IntegrityError:  # a concurrent proposal for one of the two inspections
        raise ValidationError(_("其中一项检查已有进行中的合并检查安排。")) from None
    record_event(
        actor=proposed_by,
        action="combined_visit.propose",
        target=visit,
        details={
            "inspections": [inspection.pk, other.pk],
            "tasks": [inspection.task.code, other.task.code],
            "visit_on": visit_on,
        },
    )
    notify(
        department_contacts(other.task.lead_department_id),
        kind="inspections.combined_visit_proposed",
        department=other.task.lead_department,
        title=_("合并检查提议：%(code)s") % {"code": other.task.code},
        body=_("%(dept)s 提议于 %(day)s 与贵部门牵头的任务合并检查同一对象（进一次门、查多项事）。")
        % {"dept": inspection.task.lead_department.display_name, "day": visit_on.isoformat()},
        url=reverse("inspections:inspection_detail", args=[other.pk]),
    )
    return visit


def _lock_visit(visit: CombinedVisit) -> tuple[CombinedVisit, list[CombinedVisitPart]]:
    visit = CombinedVisit.objects.select_for_update().get(pk=visit.pk)
    parts = list(
        CombinedVisitPart.objects.select_for_update(of=("self",))
        .select_related(
            "inspection",
            "inspection__task",
            "inspection__task__lead_department",
            "inspection__drawn_object__draw",
            "inspection__result",
        )
        .filter(visit=visit)
        .order_by("pk")
    )
    return visit, parts


def _my_pending_part(parts: list[CombinedVisitPart], user: User) -> CombinedVisitPart:
    for part in parts:
        if part.status == ConsentStatus.PENDING and can_arrange_inspection(user, part.inspection):
            return part
    raise PermissionDenied(_("只有对方任务的检查组组长或牵头部门可以答复合并检查提议。"))


@transaction.atomic
def combined_visit_accept(*, visit: CombinedVisit, accepted_by: User) -> CombinedVisit:
    """The other side agrees: both inspections take the visit's date."""
    visit, parts = _lock_visit(visit)
    if visit.status != CombinedVisitStatus.PROPOSED:
        raise ValidationError(_("该合并检查提议已处理。"))
    part = _my_pending_part(parts, accepted_by)
    now = timezone.now()
    part.status, part.decided_by, part.decided_at = ConsentStatus.AGREED, accepted_by, now
    part.save(update_fields=["status", "decided_by", "decided_at"])
    if all(p.status == ConsentStatus.AGREED for p in parts):
        for each in parts:
            _check_workable(each.inspection)
        visit.status, visit.decided_at = CombinedVisitStatus.AGREED, now
        visit.save(update_fields=["status", "decided_at"])
        Inspection.objects.filter(pk__in=[p.inspection_id for p in parts]).update(
            combined_visit=visit,
            scheduled_on=visit.visit_on,
            scheduled_by=accepted_by,
            scheduled_at=now,
        )
        for each in parts:
            inspection = Inspection.objects.select_related(
                "task", "task__lead_department", "inspection_object", "drawn_object", "result"
            ).get(pk=each.inspection_id)
            result_deadline_follow(
                result=inspection.result, changed_by=accepted_by, reason=_("商定合并检查日期")
            )
    record_event(
        actor=accepted_by,
        action="combined_visit.accept",
        target=visit,
        details={"inspection": part.inspection_id, "status": visit.status},
    )
    return visit


def _close(visit: CombinedVisit, parts: list[CombinedVisitPart], status: str) -> None:
    visit.status, visit.decided_at = status, timezone.now()
    visit.save(update_fields=["status", "decided_at"])
    CombinedVisitPart.objects.filter(visit=visit).update(is_open=False)
    Inspection.objects.filter(pk__in=[p.inspection_id for p in parts], combined_visit=visit).update(
        combined_visit=None
    )


@transaction.atomic
def combined_visit_decline(
    *, visit: CombinedVisit, declined_by: User, reason: str
) -> CombinedVisit:
    visit, parts = _lock_visit(visit)
    if visit.status != CombinedVisitStatus.PROPOSED:
        raise ValidationError(_("该合并检查提议已处理。"))
    part = _my_pending_part(parts, declined_by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("不同意合并检查须说明理由。")})
    part.status, part.decided_by, part.decided_at, part.reason = (
        ConsentStatus.DECLINED,
        declined_by,
        timezone.now(),
        reason[:2000],
    )
    part.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _close(visit, parts, CombinedVisitStatus.DECLINED)
    record_event(
        actor=declined_by,
        action="combined_visit.decline",
        target=visit,
        details={"inspection": part.inspection_id, "reason": part.reason},
    )
    return visit


@transaction.atomic
def combined_visit_cancel(
    *, visit: CombinedVisit, cancelled_by: User, reason: str
) -> CombinedVisit:
    """Either side withdraws a proposed or agreed combined visit; the dates stay as they are."""
    visit, parts = _lock_visit(visit)
    if visit.status not in (CombinedVisitStatus.PROPOSED, CombinedVisitStatus.AGREED):
        raise ValidationError(_("该合并检查已结束。"))
    if not any(can_arrange_inspection(cancelled_by, p.inspection) for p in parts):
        raise PermissionDenied(_("只有参与任务的检查组组长或牵头部门可以撤回合并检查。"))
    for part in parts:
        _check_workable(part.inspection)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("撤回合并检查须说明理由。")})
    _close(visit, parts, CombinedVisitStatus.CANCELLED)
    record_event(
        actor=cancelled_by,
        action="combined_visit.cancel",
        target=visit,
        details={"reason": reason[:2000]},
    )
    return visit

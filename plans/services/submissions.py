"""A department reports its items to the office (submission locks them); the office may return
the report with a reason; every submit/return is kept as a SubmissionEvent."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.inbox.services import notification_send
from accounts.models import Department, User
from plans.choices import (
    PlanItemStatus,
    PlanYearStatus,
    SubmissionAction,
    SubmissionStatus,
)
from plans.models import DepartmentSubmission, PlanItem, PlanYear, SubmissionEvent
from plans.permissions import can_submit_department
from plans.services._common import require_office_admin, require_status, require_text

OPEN_FOR_REPORTS = (PlanYearStatus.COLLECTING, PlanYearStatus.COMPILING, PlanYearStatus.ADJUSTING)


def is_late(plan_year: PlanYear, moment: datetime) -> bool:
    """Late = submitted on a calendar day (Asia/Shanghai) after the deadline day; 23:59 on the
    deadline day is still on time. Adjustments during the year have no reporting deadline."""
    if plan_year.status == PlanYearStatus.ADJUSTING:
        return False
    return timezone.localdate(moment) > plan_year.submission_deadline


def _lock_submission(plan_year: PlanYear, department: Department) -> DepartmentSubmission:
    submission, _created = DepartmentSubmission.objects.get_or_create(
        plan_year=plan_year, department=department
    )
    return DepartmentSubmission.objects.select_for_update().get(pk=submission.pk)


@transaction.atomic
def plan_department_submit(
    *, plan_year: PlanYear, department: Department, submitted_by: User
) -> DepartmentSubmission:
    """Submit the department's report: its items are locked. A report after the deadline is
    accepted and flagged "逾期提交"; a resubmission after a return keeps the flag of the first
    submission (the office's return is not the department's delay). During an adjustment there
    is no deadline: the report is on time whatever the first round's flag was."""
    if not can_submit_department(submitted_by) or submitted_by.department_id != department.pk:
        raise PermissionDenied(_("只有本部门联络员可以报送本部门的计划。"))
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    require_status(plan_year, *OPEN_FOR_REPORTS, message=_("年度计划当前不接受报送。"))
    submission = _lock_submission(plan_year, department)
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError(_("本部门计划已报送。"))
    items = PlanItem.objects.filter(plan_year=plan_year, department=department).exclude(
        status=PlanItemStatus.WITHDRAWN
    )
    count = items.count()
    if not count:
        raise ValidationError(_("本部门还没有计划事项，不能报送。"))
    now = timezone.now()
    late = is_late(plan_year, now)
    items.filter(status__in=[PlanItemStatus.DRAFT, PlanItemStatus.RETURNED]).update(
        status=PlanItemStatus.SUBMITTED, updated_at=now
    )
    first = submission.submission_count == 0
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = submitted_by
    adjusting = plan_year.status == PlanYearStatus.ADJUSTING
    submission.is_late = late if first or adjusting else submission.is_late
    submission.return_reason = ""
    submission.submission_count += 1
    submission.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "is_late",
            "return_reason",
            "submission_count",
        ]
    )
    SubmissionEvent.objects.create(
        submission=submission,
        action=SubmissionAction.SUBMITTED,
        actor=submitted_by,
        occurred_at=now,
        is_late=late,
        item_count=count,
    )
    record_event(
        actor=submitted_by,
        action="plan_department.submit",
        target=submission,
        details={
            "year": plan_year.year,
            "department": department.code,
            "items": count,
            "late": late,
            "deadline": plan_year.submission_deadline,
            "resubmission": not first,
        },
    )
    return submission


@transaction.atomic
def plan_department_return(
    *, plan_year: PlanYear, department: Department, returned_by: User, reason: str
) -> DepartmentSubmission:
    """Return a department's report with a reason: its items unlock for changes and the
    department's liaisons are told why."""
    require_office_admin(returned_by)
    reason = require_text(reason, "reason", _("请填写退回原因。"))
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    require_status(plan_year, *OPEN_FOR_REPORTS)
    submission = _lock_submission(plan_year, department)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("该部门尚未报送，不能退回。"))
    now = timezone.now()
    items = PlanItem.objects.filter(
        plan_year=plan_year, department=department, status=PlanItemStatus.SUBMITTED
    )
    count = items.update(status=PlanItemStatus.RETURNED, updated_at=now)
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = reason
    submission.save(update_fields=["status", "return_reason"])
    SubmissionEvent.objects.create(
        submission=submission,
        action=SubmissionAction.RETURNED,
        actor=returned_by,
        occurred_at=now,
        reason=reason,
        item_count=count,
    )
    notification_send(
        kind="plans.department_return",
        liaison_of=[department],
        department=department,
        title=_("%(year)s 年度抽查计划被退回") % {"year": plan_year.year},
        body=reason,
        url=reverse("plans:year_detail", args=[plan_year.year]),
    )
    record_event(
        actor=returned_by,
        action="plan_department.return",
        target=submission,
        details={
            "year": plan_year.year,
            "department": department.code,
            "reason": reason,
            "items": count,
        },
    )
    return submission

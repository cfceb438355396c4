"""The plan year's life cycle (000 art. 11): open → collect → compile → approve → publish, and
adjustments during the year. Only office admins drive it; every step is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import DepartmentKind
from accounts.inbox.services import notification_send
from accounts.models import Department, User
from plans.choices import (
    MergeStatus,
    PlanItemStatus,
    PlanYearStatus,
    SubmissionStatus,
    VersionStatus,
)
from plans.indicators import included_items
from plans.models import DepartmentSubmission, PlanVersion, PlanYear
from plans.services._common import require_office_admin, require_status, require_text
from plans.snapshot import build_snapshot, snapshot_digest


def default_deadlines(year: int) -> tuple[date, date]:
    """Departments report next year's matters by 30 November; the plan is approved by
    31 December (000 art. 11)."""
    return date(year - 1, 11, 30), date(year - 1, 12, 31)


def member_departments() -> QuerySet[Department]:
    return Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True).order_by(
        "code"
    )


@transaction.atomic
def plan_year_open(
    *,
    year: int,
    opened_by: User,
    submission_deadline: date | None = None,
    approval_deadline: date | None = None,
    notes: str = "",
) -> PlanYear:
    """Open a plan year for reporting and notify every department's liaison."""
    require_office_admin(opened_by)
    if PlanYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s 年度计划已经发起。") % {"year": year}})
    default_submission, default_approval = default_deadlines(year)
    submission_deadline = submission_deadline or default_submission
    approval_deadline = approval_deadline or default_approval
    if submission_deadline > approval_deadline:
        raise ValidationError({"approval_deadline": _("审批截止日期不能早于报送截止日期。")})
    plan_year = PlanYear(
        year=year,
        submission_deadline=submission_deadline,
        approval_deadline=approval_deadline,
        opened_by=opened_by,
        opened_at=timezone.now(),
        notes=notes.strip(),
    )
    plan_year.full_clean(exclude=["current_version"])
    plan_year.save()
    departments = list(member_departments())
    DepartmentSubmission.objects.bulk_create(
        [
            DepartmentSubmission(plan_year=plan_year, department=department)
            for department in departments
        ]
    )
    notified = notification_send(
        kind="plans.year_open",
        liaison_of=departments,
        title=_("%(year)s 年度抽查计划开始报送") % {"year": year},
        body=_("请于 %(deadline)s 前报送本部门下一年度抽查事项和时间安排。")
        % {"deadline": submission_deadline.strftime("%Y年%m月%d日")},
        url=reverse("plans:year_detail", args=[year]),
    )
    record_event(
        actor=opened_by,
        action="plan_year.open",
        target=plan_year,
        details={
            "year": year,
            "submission_deadline": submission_deadline,
            "approval_deadline": approval_deadline,
            "departments": [department.code for department in departments],
            "notified": len(notified),
        },
    )
    return plan_year


def _lock(plan_year: PlanYear) -> PlanYear:
    return PlanYear.objects.select_for_update().get(pk=plan_year.pk)


def draft_version(plan_year: PlanYear) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan_year=plan_year, status=VersionStatus.DRAFT).first()


@transaction.atomic
def plan_compile(*, plan_year: PlanYear, compiled_by: User) -> PlanYear:
    """Close the collection and start compiling: opens draft version 1 and proposes merges.
    Departments that have not reported can still submit (flagged late); returned ones resubmit."""
    require_office_admin(compiled_by)
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.COLLECTING)
    plan_year.status = PlanYearStatus.COMPILING
    plan_year.compiled_at = timezone.now()
    plan_year.save(update_fields=["status", "compiled_at"])
    if draft_version(plan_year) is None:
        PlanVersion.objects.create(
            plan_year=plan_year, number=1, created_by=compiled_by, created_at=timezone.now()
        )
    pending = DepartmentSubmission.objects.filter(plan_year=plan_year).exclude(
        status=SubmissionStatus.SUBMITTED
    )
    record_event(
        actor=compiled_by,
        action="plan_year.compile",
        target=plan_year,
        details={
            "items": included_items(plan_year).count(),
            "not_submitted": sorted(pending.values_list("department__code", flat=True)),
        },
    )
    from plans.services.merges import plan_propose_merges

    plan_propose_merges(plan_year=plan_year, proposed_by=compiled_by)
    return plan_year


@transaction.atomic
def plan_submit_for_approval(*, plan_year: PlanYear, submitted_by: User) -> PlanYear:
    """The compiled plan (or adjustment) goes to approval: every merge proposal decided, no
    department waiting to resubmit, at least one item."""
    require_office_admin(submitted_by)
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.COMPILING, PlanYearStatus.ADJUSTING)
    undecided = plan_year.merge_proposals.filter(status=MergeStatus.PROPOSED).count()
    if undecided:
        raise ValidationError(_("还有 %(count)s 个合并方案待处理。") % {"count": undecided})
    returned = DepartmentSubmission.objects.filter(
        plan_year=plan_year, status=SubmissionStatus.RETURNED
    )
    if returned.exists():
        names = "、".join(returned.values_list("department__short_name", flat=True))
        raise ValidationError(_("以下部门被退回后尚未重新报送：%(names)s") % {"names": names})
    items = included_items(plan_year).count()
    if not items:
        raise ValidationError(_("没有已报送的计划事项，不能报批。"))
    plan_year.status = PlanYearStatus.PENDING
    plan_year.save(update_fields=["status"])
    record_event(
        actor=submitted_by,
        action="plan_year.submit_for_approval",
        target=plan_year,
        details={"items": items},
    )
    return plan_year


@transaction.atomic
def plan_approve(*, plan_year: PlanYear, approved_by: User, comment: str = "") -> PlanVersion:
    """Approve the pending plan: freeze the draft version's snapshot (items, merge decisions,
    indicators) and record the approval; the event's hash is printed on the plan."""
    require_office_admin(approved_by)
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.PENDING)
    version = PlanVersion.objects.select_for_update().get(
        plan_year=plan_year, status=VersionStatus.DRAFT
    )
    snapshot = build_snapshot(plan_year)
    now = timezone.now()
    included_items(plan_year).update(status=PlanItemStatus.APPROVED)
    version.snapshot = snapshot
    version.status = VersionStatus.APPROVED
    version.approved_by = approved_by
    version.approved_at = now
    version.comment = comment.strip()
    late = timezone.localdate(now) > plan_year.approval_deadline and version.number == 1
    event = record_event(
        actor=approved_by,
        action="plan.approve",
        target=version,
        details={
            "year": plan_year.year,
            "version": version.number,
            "items": len(snapshot["items"]),
            "snapshot_sha256": snapshot_digest(snapshot),
            "comment": version.comment,
            "reason": version.reason,
            "after_deadline": late,
        },
    )
    version.audit_hash = event.hash
    version.save(
        update_fields=["snapshot", "status", "approved_by", "approved_at", "comment", "audit_hash"]
    )
    plan_year.status = PlanYearStatus.APPROVED
    plan_year.save(update_fields=["status"])
    return version


@transaction.atomic
def plan_return(*, plan_year: PlanYear, returned_by: User, comment: str) -> PlanYear:
    """Send the pending plan back for rework with a comment."""
    require_office_admin(returned_by)
    comment = require_text(comment, "comment", _("请填写退回意见。"))
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.PENDING)
    version = PlanVersion.objects.select_for_update().get(
        plan_year=plan_year, status=VersionStatus.DRAFT
    )
    version.returned_comment = comment
    version.returned_at = timezone.now()
    version.save(update_fields=["returned_comment", "returned_at"])
    plan_year.status = PlanYearStatus.COMPILING if version.number == 1 else PlanYearStatus.ADJUSTING
    plan_year.save(update_fields=["status"])
    record_event(
        actor=returned_by,
        action="plan.return",
        target=version,
        details={"year": plan_year.year, "version": version.number, "comment": comment},
    )
    return plan_year


@transaction.atomic
def plan_publish(*, plan_year: PlanYear, published_by: User) -> PlanVersion:
    """Publish the approved version on the public site; it becomes the current version."""
    require_office_admin(published_by)
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.APPROVED)
    version = (
        PlanVersion.objects.select_for_update()
        .filter(plan_year=plan_year, status=VersionStatus.APPROVED, published_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError(_("没有待公布的已批准版本。"))
    version.published_at = timezone.now()
    version.published_by = published_by
    version.save(update_fields=["published_at", "published_by"])
    plan_year.current_version = version
    plan_year.status = PlanYearStatus.PUBLISHED
    plan_year.save(update_fields=["current_version", "status"])
    record_event(
        actor=published_by,
        action="plan.publish",
        target=version,
        details={
            "year": plan_year.year,
            "version": version.number,
            "approval_hash": version.audit_hash,
        },
    )
    return version


@transaction.atomic
def plan_adjust_start(*, plan_year: PlanYear, reason: str, by: User) -> PlanVersion:
    """Start an adjustment during the year: a new draft version with its reason. Items can then
    be changed (by the office, or by a department the office returns for changes) and the
    adjustment needs approval again; the public site keeps the current version until then."""
    require_office_admin(by)
    reason = require_text(reason, "reason", _("请填写调整原因。"))
    plan_year = _lock(plan_year)
    require_status(plan_year, PlanYearStatus.PUBLISHED, PlanYearStatus.APPROVED)
    number = (plan_year.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = PlanVersion.objects.create(
        plan_year=plan_year, number=number, reason=reason, created_by=by, created_at=timezone.now()
    )
    plan_year.status = PlanYearStatus.ADJUSTING
    plan_year.save(update_fields=["status"])
    record_event(
        actor=by,
        action="plan.adjust_start",
        target=version,
        details={"year": plan_year.year, "version": number, "reason": reason},
    )
    return version

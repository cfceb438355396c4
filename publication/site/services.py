"""The public site's writes: publishing a drawn list, keeping the public projection of results in
step with their publication, and the objections of inspected businesses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import NotificationSeverity
from accounts.inbox.services import notification_send
from accounts.models import Department, User
from accounts.types import RequestUser
from publication.calendar.workdays import shanghai_today
from publication.models import Deadline, DeadlineKind, Publication, PublicationKind
from publication.pagecache import public_cache_invalidate
from publication.site.models import Objection, ObjectionAttachment, ObjectionStatus, PublicResult
from tasks.choices import DrawKind, DrawState
from tasks.inspections.choices import FINAL_RESULT_STATUSES, AttachmentKind
from tasks.inspections.models import InspectionResult, category_labels
from tasks.inspections.services.results import result_correct
from tasks.inspections.storage import check_upload
from tasks.models import Draw
from tasks.permissions import can_manage_task
from tasks.services.deadlines import drawn_list_deadline_close, drawn_list_deadline_open

OBJECTION_NOTICE_KIND = "objection"


# --- drawn lists ---------------------------------------------------------------------------------


def can_publish_drawn_list(user: RequestUser, draw: Draw) -> bool:
    return can_manage_task(user, draw.task)


@transaction.atomic
def drawn_list_publish(*, draw: Draw, published_by: User) -> Publication:
    """Publish the drawn list of a completed main draw (抽查名单公示): from now on the public
    site shows its objects, groups and bundle. Closes the drawn-list deadline (met or late)."""
    draw = Draw.objects.select_for_update(of=("self",)).select_related("task").get(pk=draw.pk)
    if not can_publish_drawn_list(published_by, draw):
        raise PermissionDenied(_("抽查名单由牵头部门公示。"))
    if draw.kind != DrawKind.DRAW or draw.state != DrawState.DRAWN:
        raise ValidationError(_("只有已完成的对象抽取可以公示抽查名单。"))
    draw_type = ContentType.objects.get_for_model(Draw)
    if Publication.objects.filter(
        kind=PublicationKind.DRAWN_LIST, subject_type=draw_type, subject_id=draw.pk
    ).exists():
        raise ValidationError(_("该抽查名单已经公示。"))
    today = shanghai_today()
    publication = Publication.objects.create(
        kind=PublicationKind.DRAWN_LIST,
        subject_type=draw_type,
        subject_id=draw.pk,
        published_on=today,
        published_by=published_by,
    )
    record_event(
        actor=published_by,
        action="drawn_list.publish",
        target=draw,
        details={
            "task": draw.task.code,
            "draw": draw.number,
            "objects": len((draw.result or {}).get("objects", {})),
        },
    )
    has_deadline = Deadline.objects.filter(
        kind=DeadlineKind.DRAWN_LIST_PUBLICATION, subject_type=draw_type, subject_id=draw.pk
    ).exists()
    if not has_deadline:
        drawn_list_deadline_open(draw=draw)
    drawn_list_deadline_close(draw=draw, published_on=today, published_by=published_by)
    public_cache_invalidate()
    return publication


# --- the public projection of results ------------------------------------------------------------


def _department_names(codes: Sequence[str], fallback: Department) -> str:
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    ordered = [names.get(code, code) for code in dict.fromkeys(codes)]
    return "、".join(ordered) if ordered else fallback.name


@transaction.atomic
def public_result_sync(*, result: InspectionResult) -> PublicResult | None:
    """Make the projection show `result.published_version` (called in the transaction that
    publishes it). The version shown before stays, no longer current, for the page's history;
    objections that were upheld are marked corrected by the new version."""
    if result.published_version_id is None:
        return None
    result = InspectionResult.objects.select_related(
        "published_version",
        "inspection__task__lead_department",
        "inspection__task__plan_item__plan_year",
        "inspection__inspection_object",
        "inspection__drawn_object",
    ).get(pk=result.pk)
    version = result.published_version
    assert version is not None
    current = PublicResult.objects.select_for_update().filter(result=result, is_current=True)
    existing = current.first()
    if existing is not None and existing.version == version.number:
        return existing
    published_at = result.published_at or timezone.now()
    current.update(is_current=False, superseded_at=published_at)
    inspection = result.inspection
    task = inspection.task
    content = version.content or {}
    record_departments = [record["department"] for record in content.get("records", [])]
    lead_code = task.lead_department.code
    codes = [lead_code, *sorted(set(record_departments) - {lead_code})]
    basis = version.completed_on or timezone.localdate(published_at)
    plan_item = task.plan_item
    obj = inspection.inspection_object
    row = PublicResult.objects.create(
        result=result,
        version=version.number,
        is_current=True,
        task=task,
        task_code=task.code,
        task_title=task.title,
        plan_year=plan_item.plan_year.year if plan_item else None,
        plan_title=plan_item.title if plan_item else "",
        lead_department=task.lead_department,
        departments=_department_names(codes, task.lead_department)[:500],
        is_directed=task.is_directed,
        is_joint=task.participating_departments.exists(),
        completed_on=version.completed_on,
        year=basis.year,
        month=basis.month,
        categories=list(version.categories),
        result_text="；".join(category_labels(list(version.categories)))[:500],
        remarks=content.get("remarks", ""),
        correction_reason=version.reason or content.get("correction_reason", "")
        if version.number > 1
        else "",
        inspection_object=obj,
        enterprise_name=obj.name,
        credit_code=inspection.drawn_object.code,
        registering_authority=obj.registering_authority,
        published_at=published_at,
    )
    Objection.objects.filter(result=result, status=ObjectionStatus.UPHELD).update(
        status=ObjectionStatus.CORRECTED, corrected_version=version.number
    )
    public_cache_invalidate()
    return row


def public_results_rebuild() -> int:
    """Project every published result whose published version the projection lacks (a fresh
    database, the demo city). Idempotent."""
    shown = PublicResult.objects.filter(
        result=OuterRef("pk"), is_current=True, version=OuterRef("published_version__number")
    )
    missing = (
        InspectionResult.objects.filter(published_version__isnull=False)
        .exclude(Exists(shown))
        .order_by("pk")
    )
    return sum(1 for result in missing if public_result_sync(result=result) is not None)


# --- objections ----------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *,
    public_result: PublicResult,
    credit_code: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str = "",
    reason: str,
    files: Sequence[IO[bytes]] = (),
) -> Objection:
    """An inspected business objects to the published result shown by `public_result`. Only the
    business itself (its credit code) may object, to the version currently published; the
    objection reaches the inbox of the department that entered the result."""
    if not public_result.is_current:
        raise ValidationError(_("只能对现行公示的检查结果提出异议。"))
    errors: dict[str, str] = {}
    code = (credit_code or "").strip().upper()
    if code != public_result.credit_code:
        errors["credit_code"] = _(
            "统一社会信用代码与被检查企业不一致，只有被检查企业可以提出异议。"
        )
    contact_name = (contact_name or "").strip()
    contact_phone = (contact_phone or "").strip()
    reason = (reason or "").strip()
    if not contact_name:
        errors["contact_name"] = _("请填写联系人。")
    if not contact_phone:
        errors["contact_phone"] = _("请填写联系电话。")
    if len(reason) < 10:
        errors["reason"] = _("请说明异议理由（至少10个字）。")
    if len(files) > settings.OBJECTION_MAX_FILES:
        errors["attachments"] = _("最多上传 %(n)d 个附件。") % {"n": settings.OBJECTION_MAX_FILES}
    if errors:
        raise ValidationError(errors)
    result = InspectionResult.objects.select_for_update(of=("self",)).get(
        pk=public_result.result_id
    )
    open_count = Objection.objects.filter(result=result, status=ObjectionStatus.RECEIVED).count()
    if open_count >= settings.OBJECTION_MAX_OPEN_PER_RESULT:
        raise ValidationError(_("该检查结果已有多件异议待处理，请等待部门处理后再提交。"))
    checked = [(upload, check_upload(upload, kind=AttachmentKind.OTHER)) for upload in files]
    department = public_result.lead_department
    objection = Objection.objects.create(
        public_result=public_result,
        result=result,
        department=department,
        credit_code=code,
        contact_name=contact_name[:50],
        contact_phone=contact_phone[:30],
        contact_email=(contact_email or "").strip()[:254],
        reason=reason[:5000],
    )
    for upload, info in checked:
        attachment = ObjectionAttachment(
            objection=objection,
            original_name=_clean_name(getattr(upload, "name", "") or "file"),
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        upload.seek(0)
        attachment.file.save("upload", upload, save=False)  # type: ignore[arg-type]
        attachment.save()
    record_event(
        actor=None,
        action="objection.file",
        target=objection,
        details={
            "reference": objection.reference,
            "result": result.pk,
            "version": public_result.version,
            "credit_code": code,
            "attachments": [info.sha256 for _upload, info in checked],
        },
    )
    notification_send(
        kind=OBJECTION_NOTICE_KIND,
        title=_("企业对检查结果提出异议：%(name)s（%(task)s）")
        % {"name": public_result.enterprise_name, "task": public_result.task_code},
        body=_("请在异议处理页面核实并作出处理决定；异议成立的，更正后的结果经审核后重新公示。"),
        url=reverse("publication:objection_detail", args=[objection.pk]),
        severity=NotificationSeverity.YELLOW,
        liaison_of=[department],
        admins_of=[department],
        users=[uid for uid in [result.published_by_id, result.reviewed_by_id] if uid],
        department=department,
        dedupe_key=f"objection:{objection.pk}",
    )
    return objection


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "file"


def can_decide_objection(user: RequestUser, objection: Objection) -> bool:
    return can_manage_task(user, objection.result.inspection.task)


@transaction.atomic
def objection_decide(
    *, objection: Objection, decided_by: User, upheld: bool, decision: str
) -> Objection:
    """The department decides with a reason. Upheld: the result is opened for correction (its
    next version), which its reviewer approves and publishes as usual; the published page then
    shows the correction, the date and the reason, with the original version kept visible."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("result__inspection__task")
        .get(pk=objection.pk)
    )
    if not can_decide_objection(decided_by, objection):
        raise PermissionDenied(_("异议由作出检查结果的牵头部门处理。"))
    if objection.status != ObjectionStatus.RECEIVED:
        raise ValidationError(_("该异议已经处理。"))
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("请说明处理意见。")})
    objection.decision = decision[:5000]
    objection.decided_by = decided_by
    objection.decided_at = timezone.now()
    if upheld:
        objection.status = ObjectionStatus.UPHELD
        if objection.result.status in FINAL_RESULT_STATUSES:
            result_correct(
                result=objection.result,
                corrected_by=decided_by,
                reason=_("异议成立（受理编号 %(ref)s）：%(decision)s")
                % {"ref": objection.reference, "decision": objection.decision},
            )
    else:
        objection.status = ObjectionStatus.REJECTED
    objection.save(update_fields=["decision", "decided_by", "decided_at", "status"])
    record_event(
        actor=decided_by,
        action="objection.decide",
        target=objection,
        details={"reference": objection.reference, "upheld": upheld},
    )
    public_cache_invalidate()
    return objection

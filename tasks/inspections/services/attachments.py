"""Attaching photos, scans and reports to a record or a follow-up measure, and withdrawing one
uploaded by mistake (it stays in the archive, marked, with the reason).

The content is checked first (tasks/inspections/storage.py); the row and the stored file are
written in the service's transaction: if the commit fails, the file left behind has no row and
is never served (a stray file is harmless; a row without its file would not be)."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from tasks.inspections.choices import EDITABLE_RESULT_STATUSES, MeasureStatus
from tasks.inspections.models import Attachment, CommissionedCheck, FollowUpMeasure, MatterRecord
from tasks.inspections.permissions import can_enter_record, can_handle_measure
from tasks.inspections.services._common import lock_record, require_entry
from tasks.inspections.storage import check_upload


def _clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200] or "upload"


def _store(
    *,
    upload: IO[bytes],
    name: str,
    kind: str,
    caption: str,
    uploaded_by: User,
    record: MatterRecord | None = None,
    measure: FollowUpMeasure | None = None,
    commissioned_check: CommissionedCheck | None = None,
) -> Attachment:
    checked = check_upload(upload, kind=kind)
    attachment = Attachment(
        record=record,
        measure=measure,
        commissioned_check=commissioned_check,
        kind=kind,
        original_name=_clean_name(name),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        caption=(caption or "").strip()[:200],
        uploaded_by=uploaded_by,
    )
    attachment.file.save("upload", File(upload), save=False)
    attachment.save(force_insert=True)
    return attachment


@transaction.atomic
def attachment_add_to_record(
    *,
    record: MatterRecord,
    uploaded_by: User,
    upload: IO[bytes],
    name: str,
    kind: str,
    caption: str = "",
    commissioned_check: CommissionedCheck | None = None,
) -> Attachment:
    """A photo, scan or report for a record, while the record may be entered."""
    record = lock_record(record)
    require_entry(record, uploaded_by)
    if commissioned_check is not None and commissioned_check.record_id != record.pk:
        raise ValidationError({"commissioned_check": _("委托检查不属于该记录。")})
    count = record.attachments.filter(withdrawn_at__isnull=True).count()
    if count >= settings.ATTACHMENTS_PER_RECORD:
        raise ValidationError(
            {"file": _("每份记录最多 %(n)d 个附件。") % {"n": settings.ATTACHMENTS_PER_RECORD}}
        )
    attachment = _store(
        upload=upload,
        name=name,
        kind=kind,
        caption=caption,
        uploaded_by=uploaded_by,
        record=record,
        commissioned_check=commissioned_check,
    )
    record_event(
        actor=uploaded_by,
        action="attachment.add",
        target=record,
        details={
            "attachment": attachment.pk,
            "kind": kind,
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


@transaction.atomic
def attachment_add_to_measure(
    *,
    measure: FollowUpMeasure,
    uploaded_by: User,
    upload: IO[bytes],
    name: str,
    kind: str,
    caption: str = "",
) -> Attachment:
    """Evidence for a follow-up measure (rectification photos, a transfer letter) while it is open."""
    measure = FollowUpMeasure.objects.select_for_update().get(pk=measure.pk)
    if not can_handle_measure(uploaded_by, measure):
        raise PermissionDenied(_("只有承办部门可以上传处置材料。"))
    if measure.status != MeasureStatus.OPEN:
        raise ValidationError(_("处置措施已办结。"))
    if measure.attachments.count() >= settings.ATTACHMENTS_PER_RECORD:
        raise ValidationError({"file": _("附件数量已达上限。")})
    attachment = _store(
        upload=upload,
        name=name,
        kind=kind,
        caption=caption,
        uploaded_by=uploaded_by,
        measure=measure,
    )
    record_event(
        actor=uploaded_by,
        action="attachment.add",
        target=measure,
        details={"attachment": attachment.pk, "kind": kind, "sha256": attachment.sha256},
    )
    return attachment


@transaction.atomic
def attachment_withdraw(*, attachment: Attachment, withdrawn_by: User, reason: str) -> Attachment:
    """Mark an attachment uploaded by mistake as withdrawn; the file and row stay in the archive.
    Only while its record (or measure) can still be changed, by whoever may change it."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.withdrawn_at is not None:
        raise ValidationError(_("附件已撤回。"))
    if attachment.record_id is not None:
        record = MatterRecord.objects.select_related(
            "department", "inspection", "inspection__drawn_object", "inspection__result"
        ).get(pk=attachment.record_id)
        if not can_enter_record(withdrawn_by, record):
            raise PermissionDenied(_("只有本部门检查人员可以撤回附件。"))
        if record.inspection.result.status not in EDITABLE_RESULT_STATUSES:
            raise ValidationError(_("检查结果已提交或已审核，附件不能撤回。"))
        target: MatterRecord | FollowUpMeasure = record
    else:
        measure = attachment.measure
        assert measure is not None  # attachment_belongs_to_record_or_measure
        if not can_handle_measure(withdrawn_by, measure):
            raise PermissionDenied(_("只有承办部门可以撤回附件。"))
        if measure.status != MeasureStatus.OPEN:
            raise ValidationError(_("处置措施已办结，附件不能撤回。"))
        target = measure
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("撤回附件须说明原因。")})
    attachment.withdrawn_by = withdrawn_by
    attachment.withdrawn_at = timezone.now()
    attachment.withdrawn_reason = reason[:300]
    attachment.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawn_reason"])
    record_event(
        actor=withdrawn_by,
        action="attachment.withdraw",
        target=target,
        details={"attachment": attachment.pk, "reason": attachment.withdrawn_reason},
    )
    return attachment

"""Importing a provincial matter list: preview what it would add, change and retire, then apply
exactly that (or discard it)."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from catalog.choices import (
    ImportStatus,
    MatterStatus,
    RevisionAction,
)
from catalog.importing import ImportOptions, compute_diff, diff_codes, list_fingerprint
from catalog.models import Matter, MatterImport, MatterRevision
from catalog.services._common import (
    DEFAULT_RATIO_CAP_BP,
    normalise_values,
    require_office_admin,
    retire_matter,
    update_matter,
)
from catalog.snapshots import (
    DEPARTMENT_FIELDS,
    matter_snapshot,
)
from catalog.sources import SUPPORTED_EXTENSIONS, MatterSheet
from platform_site.uploads import MATTER_IMPORT_MAX_BYTES, UploadError, read_in_worker

MAX_IMPORT_BYTES = MATTER_IMPORT_MAX_BYTES
PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]*$")


def _read_sheet(content: bytes, filename: str) -> MatterSheet:
    """The list as the reading job found it: the web process never parses an uploaded workbook
    (platform_site.uploads.read_in_worker)."""
    from catalog.jobs import read_matter_list_job

    try:
        sheet = MatterSheet.from_data(
            read_in_worker(read_matter_list_job, content, os.path.splitext(filename)[1], filename)
        )
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    if sheet.errors:
        messages = [error.message for error in sheet.errors[:20]]
        if len(sheet.errors) > 20:
            messages.append(_("另有 %(count)d 处错误。") % {"count": len(sheet.errors) - 20})
        raise ValidationError({"file": messages})
    return sheet


def _year_from_title(title: str | None) -> int | None:
    match = re.search(r"(20\d\d)\s*年", title or "")
    return int(match[1]) if match else None


def _options(matter_import: MatterImport) -> ImportOptions:
    return ImportOptions(
        list_name=matter_import.list_name,
        code_prefix=matter_import.code_prefix,
        list_year=matter_import.list_year,
        effective_from=matter_import.effective_from,
        complete_list=matter_import.complete_list,
        default_ratio_cap_bp=matter_import.default_ratio_cap_bp,
    )


@transaction.atomic
def matter_import_preview(
    *,
    uploaded_by: User,
    content: bytes,
    filename: str,
    list_name: str = "",
    code_prefix: str = "",
    list_year: int | None = None,
    effective_from: date | None = None,
    complete_list: bool = False,
    default_ratio_cap_bp: int = DEFAULT_RATIO_CAP_BP,
) -> MatterImport:
    """Read an uploaded list (.xlsx, .xls, .csv in UTF-8 or GBK) and store what applying it would
    add, change and retire. Writes no matter. A file the reader cannot read is refused with the
    reader's messages and nothing is stored."""
    require_office_admin(uploaded_by)
    filename = os.path.basename(filename or "")
    if os.path.splitext(filename)[1].lower() not in SUPPORTED_EXTENSIONS:
        raise ValidationError({"file": _("不支持的文件格式：仅支持 .xlsx、.xls、.csv")})
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("文件超过 10 MB。")})
    code_prefix = (code_prefix or "").strip()
    if not PREFIX_PATTERN.match(code_prefix) or len(code_prefix) > 12:
        raise ValidationError(
            {"code_prefix": _("编码前缀只能包含字母、数字、点、下划线和连字符，最多 12 个字符。")}
        )
    if not 0 < default_ratio_cap_bp <= 10000:
        raise ValidationError({"default_ratio_cap_bp": _("比例上限应在 1 到 10000 基点之间。")})
    sheet = _read_sheet(content, filename)
    too_long = [record.code for record in sheet.records if len(code_prefix + record.code) > 32]
    if too_long:
        raise ValidationError(
            {"code_prefix": _("加上前缀后事项编码超过 32 个字符：%(code)s") % {"code": too_long[0]}}
        )
    today = timezone.localdate()
    matter_import = MatterImport(
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        sheet_title=(sheet.sheet_title or "")[:300],
        list_name=((list_name or "").strip() or sheet.sheet_title or os.path.splitext(filename)[0])[
            :200
        ],
        code_prefix=code_prefix,
        list_year=list_year or _year_from_title(sheet.sheet_title) or today.year,
        effective_from=effective_from or today,
        complete_list=complete_list,
        default_ratio_cap_bp=default_ratio_cap_bp,
        uploaded_by=uploaded_by,
        uploaded_at=timezone.now(),
    )
    diff, warnings = compute_diff(sheet, _options(matter_import))
    matter_import.diff = diff
    matter_import.warnings = warnings
    matter_import.added_count = len(diff["added"])
    matter_import.changed_count = len(diff["changed"])
    matter_import.retired_count = len(diff["retired"])
    matter_import.unchanged_count = len(diff["unchanged"])
    matter_import.full_clean(exclude=["content"])
    matter_import.save()
    record_event(
        actor=uploaded_by,
        action="matter_import.preview",
        target=matter_import,
        details={
            "filename": matter_import.filename,
            "sha256": matter_import.sha256,
            "list_name": matter_import.list_name,
            "added": matter_import.added_count,
            "changed": matter_import.changed_count,
            "retired": matter_import.retired_count,
            "unchanged": matter_import.unchanged_count,
        },
    )
    return matter_import


def _lock_previewed(matter_import: MatterImport) -> MatterImport:
    matter_import = MatterImport.objects.select_for_update().get(pk=matter_import.pk)
    if matter_import.status == ImportStatus.APPLIED:
        raise ValidationError(_("该文件已导入，不能重复导入。"))
    if matter_import.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("该导入已放弃。"))
    return matter_import


def _add_matters(items: list[dict[str, Any]], *, actor: User, matter_import: MatterImport) -> None:
    """Create the added matters in bulk: one import can bring hundreds of them."""
    departments = {d.code: d for d in Department.objects.all()}
    now = timezone.now()
    matters = []
    for item in items:
        values = {k: v for k, v in item["values"].items() if k not in DEPARTMENT_FIELDS}
        matter = Matter(
            code=item["code"],
            status=MatterStatus.ACTIVE,
            revision=1,
            updated_by=actor,
            **{**values, "effective_from": date.fromisoformat(values["effective_from"])},
        )
        matter.full_clean(
            exclude=["implementing_departments", "participating_departments"],
            validate_unique=False,
            validate_constraints=False,
        )
        matters.append(matter)
    Matter.objects.bulk_create(matters)
    links: dict[str, list[Any]] = {name: [] for name in DEPARTMENT_FIELDS}
    revisions = []
    for matter, item in zip(matters, items, strict=True):
        codes = {name: item["values"][name] for name in DEPARTMENT_FIELDS}
        for name in DEPARTMENT_FIELDS:
            through = getattr(Matter, name).through
            links[name] += [
                through(matter_id=matter.pk, department_id=departments[code].pk)
                for code in codes[name]
            ]
        revisions.append(
            MatterRevision(
                matter=matter,
                revision=1,
                action=RevisionAction.IMPORT_ADD,
                snapshot=matter_snapshot(matter, department_codes=codes, check_points=[]),
                changes={},
                reason=_("导入：%(filename)s") % {"filename": matter_import.filename},
                changed_by=actor,
                changed_at=now,
                matter_import=matter_import,
            )
        )
    for name, rows in links.items():
        getattr(Matter, name).through.objects.bulk_create(rows)
    MatterRevision.objects.bulk_create(revisions)


@transaction.atomic
def matter_import_apply(*, matter_import: MatterImport, applied_by: User) -> MatterImport:
    """Apply a previewed import in one transaction, exactly as the preview showed it. If any matter
    the preview depends on changed in between (its fingerprint differs), the import must be
    previewed again. Applying twice is refused."""
    require_office_admin(applied_by)
    matter_import = _lock_previewed(matter_import)
    diff = matter_import.diff
    if list_fingerprint(diff_codes(diff), matter_import.list_name) != diff["fingerprint"]:
        raise ValidationError(_("预览之后事项清单已发生变化，请重新上传并预览。"))
    reason = _("导入：%(filename)s") % {"filename": matter_import.filename}
    _add_matters(diff["added"], actor=applied_by, matter_import=matter_import)
    changed = {item["code"]: item for item in diff["changed"]}
    for matter in Matter.objects.filter(code__in=changed).order_by("pk"):
        values = {name: after for name, (_before, after) in changed[matter.code]["changes"].items()}
        reactivation = {
            name: values.pop(name) for name in ("status", "effective_until") if name in values
        }
        update_matter(
            matter=matter,
            values={**normalise_values(values), **reactivation},
            actor=applied_by,
            action=RevisionAction.IMPORT_CHANGE,
            reason=reason,
            matter_import=matter_import,
        )
    retire_from = matter_import.effective_from
    until = max(timezone.localdate(), retire_from)
    for matter in Matter.objects.filter(
        code__in=[item["code"] for item in diff["retired"]]
    ).order_by("pk"):
        retire_matter(
            matter=matter,
            actor=applied_by,
            reason=reason,
            effective_until=until,
            action=RevisionAction.IMPORT_RETIRE,
            matter_import=matter_import,
        )
    matter_import.status = ImportStatus.APPLIED
    matter_import.applied_by = applied_by
    matter_import.applied_at = timezone.now()
    matter_import.save(update_fields=["status", "applied_by", "applied_at"])
    record_event(
        actor=applied_by,
        action="matter_import.apply",
        target=matter_import,
        details={
            "sha256": matter_import.sha256,
            "list_name": matter_import.list_name,
            "added": [item["code"] for item in diff["added"]],
            "changed": sorted(changed),
            "retired": [item["code"] for item in diff["retired"]],
            "unchanged": len(diff["unchanged"]),
        },
    )
    return matter_import


@transaction.atomic
def matter_import_discard(*, matter_import: MatterImport, discarded_by: User) -> MatterImport:
    require_office_admin(discarded_by)
    matter_import = _lock_previewed(matter_import)
    matter_import.status = ImportStatus.DISCARDED
    matter_import.discarded_at = timezone.now()
    matter_import.save(update_fields=["status", "discarded_at"])
    record_event(
        actor=discarded_by, action="matter_import.discard", target=matter_import, details={}
    )
    return matter_import

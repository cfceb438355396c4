"""Everything that can happen to the matter list (一单). Each service records its audit event and,
when it changes a matter, a MatterRevision with the full snapshot (who, when, why).

Only office admins change the list (000 art. 7); departments submit proposals, which the office
accepts (applied through the same services) or rejects with a reason.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from catalog.choices import (
    ImportStatus,
    InspectionMethod,
    MatterCategory,
    MatterStatus,
    ProposalKind,
    ProposalStatus,
    RevisionAction,
)
from catalog.importing import ImportOptions, compute_diff, diff_codes, list_fingerprint
from catalog.models import CheckPoint, Matter, MatterChangeProposal, MatterImport, MatterRevision
from catalog.permissions import can_edit_matters, can_propose
from catalog.snapshots import (
    DEPARTMENT_FIELDS,
    EDITABLE_FIELDS,
    SNAPSHOT_FIELDS,
    check_point_snapshot,
    diff_snapshots,
    matter_snapshot,
    plain,
)
from catalog.sources import SUPPORTED_EXTENSIONS, MatterSheet
from platform_site.uploads import MATTER_IMPORT_MAX_BYTES, UploadError, read_in_worker

DEFAULT_RATIO_CAP_BP = 500  # general matters: 5 % unless the list says otherwise (001 II.2)
DEFAULT_ANSWERS = ("符合", "不符合", "不涉及")
MAX_CHECK_POINTS = 50
MAX_IMPORT_BYTES = MATTER_IMPORT_MAX_BYTES
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]*$")


def _require_office_admin(user: User) -> None:
    if not can_edit_matters(user):
        raise PermissionDenied(_("只有联席办管理员可以维护抽查事项清单。"))


# --- matter fields ------------------------------------------------------------------------------


def _departments(codes_or_departments, field_name: str) -> list[Department]:
    items = list(codes_or_departments or [])
    departments = [item for item in items if isinstance(item, Department)]
    codes = [item for item in items if not isinstance(item, Department)]
    if codes:
        found = {d.code: d for d in Department.objects.filter(code__in=codes, is_active=True)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(
                {field_name: _("未知部门：%(codes)s") % {"codes": "、".join(map(str, unknown))}}
            )
        departments += [found[code] for code in codes]
    if any(department.is_office for department in departments):
        raise ValidationError({field_name: _("联席会议办公室不能作为实施或配合部门。")})
    unique = {department.pk: department for department in departments}
    return sorted(unique.values(), key=lambda department: department.code)


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the shape of edited values; department fields become Department lists."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(unknown)})
    values = dict(data)
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    if "methods" in values:
        methods = list(values["methods"] or [])
        bad = [method for method in methods if method not in InspectionMethod.values]
        if bad:
            raise ValidationError(
                {"methods": _("未知检查方式：%(methods)s") % {"methods": "、".join(bad)}}
            )
        values["methods"] = [method for method in InspectionMethod.values if method in methods]
    if "scope" in values:
        from registries.scopes import ScopeError, clean_scope

        try:
            values["scope"] = clean_scope(values["scope"])
        except ScopeError as error:
            raise ValidationError({"scope": str(error)}) from None
    for name in DEPARTMENT_FIELDS:
        if name in values:
            values[name] = _departments(values[name], name)
    return values


def _apply_values(matter: Matter, values: dict[str, Any]) -> dict[str, list[Department]]:
    """Set scalar fields on the instance; return the department lists to set after saving."""
    relations = {}
    for name, value in values.items():
        if name in DEPARTMENT_FIELDS:
            relations[name] = value
        else:
            setattr(matter, name, value)
    if matter.category == MatterCategory.GENERAL and matter.ratio_cap_bp is None:
        matter.ratio_cap_bp = DEFAULT_RATIO_CAP_BP
    return relations


def _planned_snapshot(before: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    after = dict(before)
    for name, value in values.items():
        after[name] = sorted(d.code for d in value) if name in DEPARTMENT_FIELDS else plain(value)
    if after.get("category") == MatterCategory.GENERAL and after.get("ratio_cap_bp") is None:
        after["ratio_cap_bp"] = DEFAULT_RATIO_CAP_BP
    return after


def _save_revision(
    *,
    matter: Matter,
    action: str,
    changed_by: User,
    changes: dict[str, Any],
    reason: str,
    matter_import: MatterImport | None = None,
    proposal: MatterChangeProposal | None = None,
) -> MatterRevision:
    return MatterRevision.objects.create(
        matter=matter,
        revision=matter.revision,
        action=action,
        snapshot=matter_snapshot(matter),
        changes=changes,
        reason=reason[:500],
        changed_by=changed_by,
        changed_at=timezone.now(),
        matter_import=matter_import,
        proposal=proposal,
    )


def _update(
    *,
    matter: Matter,
    values: dict[str, Any],
    actor: User,
    action: str,
    reason: str,
    matter_import: MatterImport | None = None,
    proposal: MatterChangeProposal | None = None,
) -> tuple[Matter, dict[str, list]]:
    """Lock, apply the values, bump the revision and write its history row. No change, no write."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    before = matter_snapshot(matter)
    changes = diff_snapshots(before, _planned_snapshot(before, values), fields=SNAPSHOT_FIELDS)
    if not changes:
        return matter, {}
    relations = _apply_values(matter, values)
    matter.revision += 1
    matter.updated_by = actor
    matter.full_clean(exclude=["implementing_departments", "participating_departments"])
    matter.save()
    for name, departments in relations.items():
        getattr(matter, name).set(departments)
    _save_revision(
        matter=matter,
        action=action,
        changed_by=actor,
        changes=changes,
        reason=reason,
        matter_import=matter_import,
        proposal=proposal,
    )
    return matter, changes


# --- create, update, retire ---------------------------------------------------------------------


@transaction.atomic
def matter_create(
    *,
    created_by: User,
    code: str,
    data: dict[str, Any],
    reason: str = "",
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    _require_office_admin(created_by)
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError({"code": _("事项编码只能包含字母、数字、点、下划线和连字符。")})
    values = _normalise(data)
    if not values.get("name"):
        raise ValidationError({"name": _("请填写抽查事项名称。")})
    today = timezone.localdate()
    values.setdefault("list_year", today.year)
    values.setdefault("effective_from", today)
    matter = Matter(code=code, status=MatterStatus.ACTIVE, revision=1, updated_by=created_by)
    relations = _apply_values(matter, values)
    matter.full_clean(exclude=["implementing_departments", "participating_departments"])
    matter.save()
    for name, departments in relations.items():
        getattr(matter, name).set(departments)
    _save_revision(
        matter=matter,
        action=RevisionAction.CREATE,
        changed_by=created_by,
        changes={},
        reason=reason,
        proposal=proposal,
    )
    record_event(
        actor=created_by,
        action="matter.create",
        target=matter,
        details={
            "code": matter.code,
            "name": matter.name,
            "reason": reason,
            "proposal": proposal.pk if proposal else None,
        },
    )
    return matter


@transaction.atomic
def matter_update(
    *,
    matter: Matter,
    updated_by: User,
    data: dict[str, Any],
    reason: str = "",
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    """Change a matter's fields; bumps `revision` and writes a MatterRevision. Unchanged values
    write nothing."""
    _require_office_admin(updated_by)
    values = _normalise(data)
    if "name" in values and not values["name"]:
        raise ValidationError({"name": _("请填写抽查事项名称。")})
    matter, changes = _update(
        matter=matter,
        values=values,
        actor=updated_by,
        action=RevisionAction.UPDATE,
        reason=reason,
        proposal=proposal,
    )
    if changes:
        record_event(
            actor=updated_by,
            action="matter.update",
            target=matter,
            details={"revision": matter.revision, "changes": changes, "reason": reason},
        )
    return matter


def _retire(
    *,
    matter: Matter,
    actor: User,
    reason: str,
    effective_until: date | None,
    action: str,
    matter_import: MatterImport | None = None,
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status == MatterStatus.RETIRED:
        raise ValidationError(_("该事项已停用。"))
    until = effective_until or timezone.localdate()
    until = max(until, matter.effective_from)
    changes = {
        "status": [matter.status, MatterStatus.RETIRED],
        "effective_until": [plain(matter.effective_until), until.isoformat()],
    }
    matter.status = MatterStatus.RETIRED
    matter.effective_until = until
    matter.revision += 1
    matter.updated_by = actor
    matter.save(update_fields=["status", "effective_until", "revision", "updated_by", "updated_at"])
    _save_revision(
        matter=matter,
        action=action,
        changed_by=actor,
        changes=changes,
        reason=reason,
        matter_import=matter_import,
        proposal=proposal,
    )
    return matter


@transaction.atomic
def matter_retire(
    *,
    matter: Matter,
    retired_by: User,
    reason: str,
    effective_until: date | None = None,
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    """Take a matter out of the list from `effective_until` (default today). Never deletes: plans
    and tasks that used it keep pointing at it."""
    _require_office_admin(retired_by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写停用原因。")})
    matter = _retire(
        matter=matter,
        actor=retired_by,
        reason=reason.strip(),
        effective_until=effective_until,
        action=RevisionAction.RETIRE,
        proposal=proposal,
    )
    record_event(
        actor=retired_by,
        action="matter.retire",
        target=matter,
        details={"effective_until": matter.effective_until.isoformat(), "reason": reason.strip()},
    )
    return matter


def _clean_check_points(check_points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(check_points) > MAX_CHECK_POINTS:
        raise ValidationError(_("检查要点最多 %(count)d 条。") % {"count": MAX_CHECK_POINTS})
    cleaned = []
    for position, point in enumerate(check_points, start=1):
        text = str(point.get("text") or "").strip()
        if not text:
            raise ValidationError(
                _("第 %(position)d 条检查要点缺少内容。") % {"position": position}
            )
        if len(text) > 500:
            raise ValidationError(
                _("第 %(position)d 条检查要点超过 500 字。") % {"position": position}
            )
        basis = str(point.get("basis") or "").strip()[:500]
        method = point.get("method") or InspectionMethod.ON_SITE
        if method not in InspectionMethod.values:
            raise ValidationError(
                _("第 %(position)d 条检查要点的检查方式无效。") % {"position": position}
            )
        answers = point.get("allowed_answers")
        if answers is None or answers == []:
            answers = list(DEFAULT_ANSWERS)
        if isinstance(answers, str):
            answers = re.split(r"[、,，;；/\n]+", answers)
        answers = list(
            dict.fromkeys(str(answer).strip() for answer in answers if str(answer).strip())
        )
        if len(answers) < 2 or any(len(answer) > 30 for answer in answers):
            raise ValidationError(
                _("第 %(position)d 条检查要点至少需要两个可选结论，每个不超过 30 字。")
                % {"position": position}
            )
        cleaned.append(
            {
                "position": position,
                "text": text,
                "basis": basis,
                "method": method,
                "allowed_answers": answers,
            }
        )
    return cleaned


def _set_check_points(
    forms: dict[int, list[dict[str, Any]]], *, set_by: User, reason: str
) -> list[tuple[Matter, int]]:
    """Replace the forms of several matters with set-based writes; returns (matter, count) for the
    matters whose form changed. Matters are locked in primary-key order."""
    cleaned = {matter_id: _clean_check_points(points) for matter_id, points in forms.items()}
    matters = list(Matter.objects.select_for_update().filter(pk__in=cleaned).order_by("pk"))
    if len(matters) != len(cleaned):
        raise ValidationError(_("事项不存在。"))
    current: dict[int, list[dict[str, Any]]] = {matter.pk: [] for matter in matters}
    for point in CheckPoint.objects.filter(matter__in=matters).order_by("matter_id", "position"):
        current[point.matter_id].append(check_point_snapshot(point))
    changed = [matter for matter in matters if current[matter.pk] != cleaned[matter.pk]]
    if not changed:
        return []
    CheckPoint.objects.filter(matter__in=changed).delete()
    CheckPoint.objects.bulk_create(
        CheckPoint(matter=matter, **point) for matter in changed for point in cleaned[matter.pk]
    )
    now = timezone.now()
    codes: dict[int, dict[str, list[str]]] = {
        matter.pk: {name: [] for name in DEPARTMENT_FIELDS} for matter in changed
    }
    for name in DEPARTMENT_FIELDS:
        through = getattr(Matter, name).through
        for matter_id, code in through.objects.filter(matter__in=changed).values_list(
            "matter_id", "department__code"
        ):
            codes[matter_id][name].append(code)
    revisions = []
    for matter in changed:
        matter.revision += 1
        matter.updated_by = set_by
        matter.updated_at = now
        revisions.append(
            MatterRevision(
                matter=matter,
                revision=matter.revision,
                action=RevisionAction.CHECK_POINTS,
                snapshot=matter_snapshot(
                    matter, department_codes=codes[matter.pk], check_points=cleaned[matter.pk]
                ),
                changes={"check_points": [current[matter.pk], cleaned[matter.pk]]},
                reason=reason[:500],
                changed_by=set_by,
                changed_at=now,
            )
        )
    Matter.objects.bulk_update(changed, ["revision", "updated_by", "updated_at"])
    MatterRevision.objects.bulk_create(revisions)
    return [(matter, len(cleaned[matter.pk])) for matter in changed]


@transaction.atomic
def matter_set_check_points(
    *, matter: Matter, set_by: User, check_points: list[dict[str, Any]], reason: str = ""
) -> Matter:
    """Replace the matter's inspection form: the ordered check points (text, basis, method, allowed
    answers) used for printing and result entry. Positions are 1..n in the given order; an
    identical form writes nothing."""
    _require_office_admin(set_by)
    changed = _set_check_points({matter.pk: check_points}, set_by=set_by, reason=reason)
    matter = Matter.objects.get(pk=matter.pk)
    if changed:
        record_event(
            actor=set_by,
            action="matter.set_check_points",
            target=matter,
            details={"revision": matter.revision, "count": changed[0][1], "reason": reason},
        )
    return matter


@transaction.atomic
def matter_set_check_points_many(
    *, forms: dict[Matter, list[dict[str, Any]]], set_by: User, reason: str = ""
) -> int:
    """Replace the forms of many matters at once (e.g. standard forms for a newly imported list),
    with one audit event listing the matters changed. Returns how many changed."""
    _require_office_admin(set_by)
    changed = _set_check_points(
        {matter.pk: points for matter, points in forms.items()}, set_by=set_by, reason=reason
    )
    if changed:
        record_event(
            actor=set_by,
            action="matter.set_check_points_many",
            details={
                "matters": {
                    matter.code: {"revision": matter.revision, "count": count}
                    for matter, count in changed
                },
                "reason": reason,
            },
        )
    return len(changed)


# --- proposals ----------------------------------------------------------------------------------


def _payload_json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: sorted(d.code for d in value) if name in DEPARTMENT_FIELDS else plain(value)
        for name, value in values.items()
    }


@transaction.atomic
def proposal_submit(
    *,
    submitted_by: User,
    kind: str,
    reason: str,
    matter: Matter | None = None,
    payload: dict[str, Any] | None = None,
) -> MatterChangeProposal:
    """A department proposes to add, change or retire a matter, with its reason."""
    if not can_propose(submitted_by):
        raise PermissionDenied(_("只有成员部门的工作人员、联络员或系统管理员可以提出调整建议。"))
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": _("未知的建议类型。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写建议理由。")})
    payload = payload or {}
    if kind == ProposalKind.ADD:
        if matter is not None:
            raise ValidationError({"matter": _("新增事项的建议不能指定已有事项。")})
        values = _normalise(payload)
        if not values.get("name"):
            raise ValidationError({"name": _("请填写建议新增的事项名称。")})
    else:
        if matter is None:
            raise ValidationError({"matter": _("请指定要调整的事项。")})
        if matter.status != MatterStatus.ACTIVE:
            raise ValidationError({"matter": _("该事项已停用。")})
        values = _normalise(payload) if kind == ProposalKind.CHANGE else {}
        if kind == ProposalKind.CHANGE:
            before = matter_snapshot(matter)
            if not diff_snapshots(before, _planned_snapshot(before, values)):
                raise ValidationError({"payload": _("建议内容与现有事项相同。")})
    proposal = MatterChangeProposal.objects.create(
        kind=kind,
        matter=matter,
        department=submitted_by.department,
        proposed_by=submitted_by,
        payload=_payload_json(values),
        reason=reason,
        created_at=timezone.now(),
    )
    record_event(
        actor=submitted_by,
        action="matter_proposal.submit",
        target=proposal,
        details={
            "kind": kind,
            "matter": matter.code if matter else None,
            "department": submitted_by.department.code,
            "payload": proposal.payload,
            "reason": reason,
        },
    )
    return proposal


def _lock_pending(proposal: MatterChangeProposal) -> MatterChangeProposal:
    proposal = MatterChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(_("该建议已处理。"))
    return proposal


@transaction.atomic
def proposal_accept(
    *, proposal: MatterChangeProposal, accepted_by: User, decision_reason: str = "", code: str = ""
) -> MatterChangeProposal:
    """Accept a proposal and apply it through matter_create / matter_update / matter_retire."""
    _require_office_admin(accepted_by)
    proposal = _lock_pending(proposal)
    note = _("采纳%(department)s的调整建议 #%(number)d") % {
        "department": proposal.department.display_name,
        "number": proposal.pk,
    }
    reason = f"{note}：{proposal.reason}"[:500]
    if proposal.kind == ProposalKind.ADD:
        code = (code or "").strip() or f"JY-{proposal.pk:05d}"
        proposal.matter = matter_create(
            created_by=accepted_by,
            code=code,
            data=proposal.payload,
            reason=reason,
            proposal=proposal,
        )
    elif proposal.kind == ProposalKind.CHANGE:
        matter_update(
            matter=proposal.matter,
            updated_by=accepted_by,
            data=proposal.payload,
            reason=reason,
            proposal=proposal,
        )
    else:
        matter_retire(
            matter=proposal.matter, retired_by=accepted_by, reason=reason, proposal=proposal
        )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by = accepted_by
    proposal.decided_at = timezone.now()
    proposal.decision_reason = (decision_reason or "").strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "matter"])
    record_event(
        actor=accepted_by,
        action="matter_proposal.accept",
        target=proposal,
        details={
            "kind": proposal.kind,
            "matter": proposal.matter.code,
            "decision_reason": proposal.decision_reason,
        },
    )
    return proposal


@transaction.atomic
def proposal_reject(
    *, proposal: MatterChangeProposal, rejected_by: User, decision_reason: str
) -> MatterChangeProposal:
    _require_office_admin(rejected_by)
    decision_reason = (decision_reason or "").strip()
    if not decision_reason:
        raise ValidationError({"decision_reason": _("请填写不予采纳的理由。")})
    proposal = _lock_pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = rejected_by
    proposal.decided_at = timezone.now()
    proposal.decision_reason = decision_reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    record_event(
        actor=rejected_by,
        action="matter_proposal.reject",
        target=proposal,
        details={"kind": proposal.kind, "decision_reason": decision_reason},
    )
    return proposal


# --- import -------------------------------------------------------------------------------------


def _read_sheet(content: bytes, filename: str):
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
    _require_office_admin(uploaded_by)
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
    links: dict[str, list] = {name: [] for name in DEPARTMENT_FIELDS}
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
    _require_office_admin(applied_by)
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
        _update(
            matter=matter,
            values={**_normalise(values), **reactivation},
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
        _retire(
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
    _require_office_admin(discarded_by)
    matter_import = _lock_previewed(matter_import)
    matter_import.status = ImportStatus.DISCARDED
    matter_import.discarded_at = timezone.now()
    matter_import.save(update_fields=["status", "discarded_at"])
    record_event(
        actor=discarded_by, action="matter_import.discard", target=matter_import, details={}
    )
    return matter_import

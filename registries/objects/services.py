"""Everything that can happen to an inspection object (检查对象): single entry, updates with
history, special-list flags, and claims by supervising departments (签收认领) with the office
resolving disputes. Batch import has its own pipeline (registries.objects.importing).

Every service checks the actor's right itself (views check too, through access_object_for_user),
writes an ObjectChange history row (field -> [before, after]) and an audit event in the same
transaction as the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from accounts.roles import require_office_admin
from registries.choices import MARKET_ENTITY_KINDS, ObjectKind, SpecialList
from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.permissions import can_edit_registry
from registries.uscc import UsccCheck, validate_uscc

OWN_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")
REGION_PATTERN = re.compile(r"^\d{6}(\d{3}){0,2}$")
INDUSTRY_PATTERN = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")

# the fields object_update may change, in display order
EDITABLE_FIELDS = (
    "kind",
    "code",
    "name",
    "legal_representative",
    "address",
    "region_code",
    "industry_code",
    "licence_types",
    "scale",
    "risk_class",
    "status",
    "registering_authority",
    "grid",
)
# special list -> (date field, source field)
FLAG_FIELDS: dict[str, tuple[str, str]] = {
    SpecialList.ANOMALY: ("anomaly_since", "anomaly_source"),
    SpecialList.SERIOUS_VIOLATION: ("serious_violation_since", "serious_violation_source"),
    SpecialList.PENALISED: ("penalised_at", "penalised_source"),
    SpecialList.GROUP_COMPLAINT: ("group_complaint_at", "group_complaint_source"),
}


class ClaimDecision:
    KEEP = "keep"
    REMOVE = "remove"
    CHOICES = (KEEP, REMOVE)


# Validation -------------------------------------------------------------------------------------


def uscc_error_message(check: UsccCheck) -> str:
    """A Chinese explanation of why a unified social credit code is invalid."""
    if check.reason == "length":
        return _("统一社会信用代码应为18位，实际为 %(length)d 位。") % {"length": len(check.code)}
    if check.reason == "charset":
        return _(
            "统一社会信用代码第 %(position)d 位的字符“%(character)s”不允许"
            "（不使用 I、O、S、V、Z，第3–8位为行政区划数字）。"
        ) % {"position": check.position, "character": check.character}
    return _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”。") % {
        "expected": check.expected_check,
        "actual": check.character,
    }


def normalise_object_code(*, kind: str, code: str) -> str:
    """Market entities: a USCC with a valid check character; other kinds: their own code."""
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"code": _("请填写统一社会信用代码或对象编码。")})
    if kind in MARKET_ENTITY_KINDS:
        check = validate_uscc(code)
        if not check.valid:
            raise ValidationError({"code": uscc_error_message(check)})
        return check.code
    if not OWN_CODE_PATTERN.match(code):
        raise ValidationError({"code": _("对象编码只能包含大写字母、数字和连字符，长度为4–32位。")})
    return code


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    for field in ("name", "legal_representative", "address", "registering_authority", "grid"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    if "region_code" in cleaned:
        cleaned["region_code"] = (cleaned["region_code"] or "").strip()
        if not REGION_PATTERN.match(cleaned["region_code"]):
            raise ValidationError(
                {"region_code": _("行政区划代码应为6位数字（可加3或6位乡镇、村级代码）。")}
            )
    if "industry_code" in cleaned:
        cleaned["industry_code"] = (cleaned["industry_code"] or "").strip().upper()
        if cleaned["industry_code"] and not INDUSTRY_PATTERN.match(cleaned["industry_code"]):
            raise ValidationError(
                {"industry_code": _("行业代码应符合 GB/T 4754：门类字母加2–4位数字，例如 F5221。")}
            )
    if "licence_types" in cleaned:
        licences = [
            str(item).strip() for item in cleaned["licence_types"] or [] if str(item).strip()
        ]
        cleaned["licence_types"] = list(dict.fromkeys(licences))
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError({"name": _("请填写名称。")})
    return cleaned


def _require_editor(user: User) -> None:
    if not can_edit_registry(user):
        raise PermissionDenied(_("您无权维护检查对象名录库。"))


def _supervises(user: User, inspection_object: InspectionObject) -> bool:
    if user.department_id is None:
        return False
    return ObjectSupervision.objects.filter(
        inspection_object=inspection_object,
        department_id=user.department_id,
        status=ObjectSupervision.Status.CLAIMED,
    ).exists()


def _require_change(user: User, inspection_object: InspectionObject) -> None:
    """The office changes any object; a department only the objects it supervises."""
    _require_editor(user)
    if user.is_office_admin:
        return
    if not _supervises(user, inspection_object):
        raise PermissionDenied(_("只有监管该对象的部门或联席办可以修改它。"))


def _lock(inspection_object: InspectionObject) -> InspectionObject:
    return InspectionObject.objects.select_for_update().get(pk=inspection_object.pk)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _history(
    inspection_object: InspectionObject,
    *,
    changed_by: User | None,
    source: str,
    changes: dict[str, list[Any]],
) -> ObjectChange:
    return ObjectChange.objects.create(
        inspection_object=inspection_object,
        changed_by=changed_by,
        source=source[:40],
        changes={
            field: [_plain(before), _plain(after)] for field, (before, after) in changes.items()
        },
    )


# Single entry and updates -----------------------------------------------------------------------


@transaction.atomic
def object_create(
    *,
    created_by: User,
    kind: str,
    code: str,
    name: str,
    region_code: str,
    legal_representative: str = "",
    address: str = "",
    industry_code: str = "",
    licence_types: Iterable[str] = (),
    scale: str = "",
    risk_class: str = "B",
    status: str = "active",
    registering_authority: str = "",
    grid: str = "",
    supervising_departments: Iterable[Department] = (),
    source: str = "manual",
) -> InspectionObject:
    """Single entry (单户录入). A department's entry is supervised (claimed) by that department;
    the office names the supervising departments."""
    _require_editor(created_by)
    if kind not in ObjectKind.values:
        raise ValidationError({"kind": _("未知的对象类型。")})
    code = normalise_object_code(kind=kind, code=code)
    if InspectionObject.objects.filter(code=code).exists():
        raise ValidationError({"code": _("该代码已在名录库中；如由本部门监管，请通过“认领”加入。")})
    values = _clean_fields(
        {
            "name": name,
            "legal_representative": legal_representative,
            "address": address,
            "region_code": region_code,
            "industry_code": industry_code,
            "licence_types": list(licence_types),
            "registering_authority": registering_authority,
            "grid": grid,
        }
    )
    inspection_object = InspectionObject(
        kind=kind, code=code, scale=scale, risk_class=risk_class, status=status, **values
    )
    inspection_object.full_clean()
    inspection_object.save()
    if created_by.is_office_admin:
        departments = [
            department for department in supervising_departments if not department.is_office
        ]
    else:
        departments = [created_by.department] if created_by.department else []
    for department in {department.pk: department for department in departments}.values():
        ObjectSupervision.objects.create(
            inspection_object=inspection_object, department=department, claimed_by=created_by
        )
    changes = {
        field: [None, getattr(inspection_object, field)]
        for field in EDITABLE_FIELDS
        if getattr(inspection_object, field) not in ("", [], None)
    }
    if departments:
        changes["supervising_departments"] = [
            None,
            sorted(department.code for department in departments),
        ]
    _history(inspection_object, changed_by=created_by, source=source, changes=changes)
    record_event(
        actor=created_by,
        action="inspection_object.create",
        target=inspection_object,
        details={
            "code": inspection_object.code,
            "kind": inspection_object.kind,
            "source": source,
            "departments": sorted(department.code for department in departments),
        },
    )
    return inspection_object


@transaction.atomic
def object_update(
    *, inspection_object: InspectionObject, updated_by: User, source: str = "manual", **fields: Any
) -> InspectionObject:
    """Change some of EDITABLE_FIELDS (status changes such as 注销/吊销/迁出 included); the history
    row keeps each changed field as [before, after]. Nothing changes, nothing is recorded."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(unknown)})
    _require_change(updated_by, inspection_object)
    inspection_object = _lock(inspection_object)
    values = _clean_fields(fields)
    kind = values.get("kind", inspection_object.kind)
    if "code" in values or "kind" in values:
        values["code"] = normalise_object_code(
            kind=kind, code=values.get("code", inspection_object.code)
        )
        duplicate = InspectionObject.objects.filter(code=values["code"]).exclude(
            pk=inspection_object.pk
        )
        if duplicate.exists():
            raise ValidationError({"code": _("该代码已被名录库中的其他对象使用。")})
    changes = {
        field: [getattr(inspection_object, field), value]
        for field, value in values.items()
        if getattr(inspection_object, field) != value
    }
    if not changes:
        return inspection_object
    for field, (_before, after) in changes.items():
        setattr(inspection_object, field, after)
    inspection_object.full_clean()
    inspection_object.save(update_fields=[*changes, "updated_at"])
    _history(inspection_object, changed_by=updated_by, source=source, changes=changes)
    record_event(
        actor=updated_by,
        action="inspection_object.update",
        target=inspection_object,
        details={
            "source": source,
            "changes": {k: [_plain(b), _plain(a)] for k, (b, a) in changes.items()},
        },
    )
    return inspection_object


# Special lists ----------------------------------------------------------------------------------


def _flag_fields(flag: str) -> tuple[str, str]:
    try:
        return FLAG_FIELDS[flag]
    except KeyError:
        raise ValidationError({"flag": _("未知的特殊名单。")}) from None


@transaction.atomic
def object_set_flag(
    *, inspection_object: InspectionObject, flag: str, since: date, source: str, set_by: User
) -> InspectionObject:
    """Put an object on a special list (经营异常名录, 严重违法失信名单, 行政处罚, 集体投诉) from a
    date, naming the source (deciding authority and document)."""
    date_field, source_field = _flag_fields(flag)
    _require_change(set_by, inspection_object)
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("请填写列入来源（决定机关及文书）。")})
    if since is None:
        raise ValidationError({"since": _("请填写列入日期。")})
    if since > timezone.localdate():
        raise ValidationError({"since": _("列入日期不能晚于今天。")})
    inspection_object = _lock(inspection_object)
    changes = {
        date_field: [getattr(inspection_object, date_field), since],
        source_field: [getattr(inspection_object, source_field), source],
    }
    setattr(inspection_object, date_field, since)
    setattr(inspection_object, source_field, source[:100])
    inspection_object.save(update_fields=[date_field, source_field, "updated_at"])
    _history(inspection_object, changed_by=set_by, source="flag", changes=changes)
    record_event(
        actor=set_by,
        action="inspection_object.flag_set",
        target=inspection_object,
        details={"flag": flag, "since": since.isoformat(), "source": source},
    )
    return inspection_object


@transaction.atomic
def object_clear_flag(
    *, inspection_object: InspectionObject, flag: str, cleared_by: User, reason: str
) -> InspectionObject:
    """Take an object off a special list (移出), with the reason."""
    date_field, source_field = _flag_fields(flag)
    _require_change(cleared_by, inspection_object)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写移出原因。")})
    inspection_object = _lock(inspection_object)
    if getattr(inspection_object, date_field) is None:
        raise ValidationError({"flag": _("该对象不在此名单中。")})
    changes = {
        date_field: [getattr(inspection_object, date_field), None],
        source_field: [getattr(inspection_object, source_field), ""],
        "clear_reason": [None, reason],
    }
    setattr(inspection_object, date_field, None)
    setattr(inspection_object, source_field, "")
    inspection_object.save(update_fields=[date_field, source_field, "updated_at"])
    _history(inspection_object, changed_by=cleared_by, source="flag", changes=changes)
    record_event(
        actor=cleared_by,
        action="inspection_object.flag_clear",
        target=inspection_object,
        details={"flag": flag, "reason": reason},
    )
    return inspection_object


# Claims -----------------------------------------------------------------------------------------


def _supervision_key(department: Department) -> str:
    return f"supervision.{department.code}"


@transaction.atomic
def object_claim(*, inspection_object: InspectionObject, claimed_by: User) -> ObjectSupervision:
    """A department claims an object it supervises (签收认领). If another department already
    supervises it, the claim is recorded as disputed and waits for the office."""
    _require_editor(claimed_by)
    if claimed_by.department is None or claimed_by.department.is_office:
        raise PermissionDenied(_("只有成员部门可以认领检查对象。"))
    # Lock the object so two departments claiming at once see each other's claim.
    inspection_object = _lock(inspection_object)
    department = claimed_by.department
    existing = ObjectSupervision.objects.filter(
        inspection_object=inspection_object, department=department
    ).first()
    if existing is not None:
        if existing.status == ObjectSupervision.Status.DISPUTED:
            raise ValidationError(_("本部门对该对象的认领正在等待联席办确认。"))
        raise ValidationError(_("本部门已认领该对象。"))
    others = ObjectSupervision.objects.filter(
        inspection_object=inspection_object, status=ObjectSupervision.Status.CLAIMED
    ).exists()
    status = ObjectSupervision.Status.DISPUTED if others else ObjectSupervision.Status.CLAIMED
    supervision = ObjectSupervision.objects.create(
        inspection_object=inspection_object,
        department=department,
        status=status,
        claimed_by=claimed_by,
    )
    _history(
        inspection_object,
        changed_by=claimed_by,
        source="claim",
        changes={_supervision_key(department): [None, status]},
    )
    record_event(
        actor=claimed_by,
        action="inspection_object.claim",
        target=inspection_object,
        details={"department": department.code, "status": status},
    )
    return supervision


@transaction.atomic
def object_release(
    *,
    inspection_object: InspectionObject,
    department: Department,
    released_by: User,
    reason: str = "",
) -> None:
    """A department gives up an object (or withdraws a pending claim); the office may release for
    any department."""
    _require_editor(released_by)
    if not released_by.is_office_admin and released_by.department_id != department.pk:
        raise PermissionDenied(_("只能撤销本部门的认领。"))
    inspection_object = _lock(inspection_object)
    supervision = ObjectSupervision.objects.filter(
        inspection_object=inspection_object, department=department
    ).first()
    if supervision is None:
        raise ValidationError(_("该部门没有认领此对象。"))
    status = supervision.status
    supervision.delete()
    changes: dict[str, list[Any]] = {_supervision_key(department): [status, None]}
    if reason.strip():
        changes["release_reason"] = [None, reason.strip()]
    _history(inspection_object, changed_by=released_by, source="release", changes=changes)
    record_event(
        actor=released_by,
        action="inspection_object.release",
        target=inspection_object,
        details={"department": department.code, "status": status, "reason": reason.strip()},
    )


@transaction.atomic
def object_resolve_claim(
    *, supervision: ObjectSupervision, decision: str, resolved_by: User, reason: str = ""
) -> ObjectSupervision | None:
    """The office settles a disputed claim: keep (both departments supervise the object) or
    remove (the claim is dropped). Returns the supervision kept, or None."""
    require_office_admin(resolved_by)
    if decision not in ClaimDecision.CHOICES:
        raise ValidationError({"decision": _("处理决定只能是“保留”或“撤销”。")})
    inspection_object = _lock(supervision.inspection_object)
    supervision = ObjectSupervision.objects.select_related("department").get(pk=supervision.pk)
    if supervision.status != ObjectSupervision.Status.DISPUTED:
        raise ValidationError(_("该认领没有争议，无需处理。"))
    key = _supervision_key(supervision.department)
    if decision == ClaimDecision.KEEP:
        supervision.status = ObjectSupervision.Status.CLAIMED
        supervision.save(update_fields=["status"])
        after: str | None = ObjectSupervision.Status.CLAIMED
        result: ObjectSupervision | None = supervision
    else:
        supervision.delete()
        after, result = None, None
    changes: dict[str, list[Any]] = {key: [ObjectSupervision.Status.DISPUTED, after]}
    if reason.strip():
        changes["resolve_reason"] = [None, reason.strip()]
    _history(inspection_object, changed_by=resolved_by, source="resolve", changes=changes)
    record_event(
        actor=resolved_by,
        action="inspection_object.resolve_claim",
        target=inspection_object,
        details={
            "department": supervision.department.code,
            "decision": decision,
            "reason": reason.strip(),
        },
    )
    return result

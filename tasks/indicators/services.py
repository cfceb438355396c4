"""Writes behind the indicators: the year's targets and the other (non-random) inspections
recorded or imported for the random share's denominator."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from accounts.roles import has_working_role, is_office_admin, require_office_admin
from plans.models import IndicatorTarget, OtherInspection
from registries.inspectors.importing import ImportFileError, read_table
from tasks.indicators.live import BY_KEY

IMPORT_COLUMNS = {
    "检查日期": "inspected_on",
    "对象名称": "object_name",
    "对象代码": "object_code",
    "检查类型": "kind",
    "文书编号": "reference",
}
KIND_BY_LABEL = {str(label): value for value, label in OtherInspection.Kind.choices}


def may_record_for(user: User, department: Department) -> bool:
    """The office for any department; a department's working roles for their own."""
    return is_office_admin(user) or (has_working_role(user) and user.department_id == department.pk)


def _require_recorder(user: User, department: Department) -> None:
    if not may_record_for(user, department):
        raise PermissionDenied(_("只能登记本部门的检查。"))


@transaction.atomic
def indicator_target_set(*, year: int, key: str, target_bp: int, set_by: User) -> IndicatorTarget:
    require_office_admin(set_by)
    if key not in BY_KEY:
        raise ValidationError({"key": _("未知的指标。")})
    if not 0 <= target_bp <= 10000:
        raise ValidationError({"target_bp": _("目标值应在 0% 至 100% 之间。")})
    target, _created = IndicatorTarget.objects.update_or_create(
        year=year, key=key, defaults={"target_bp": target_bp, "updated_by": set_by}
    )
    record_event(
        actor=set_by,
        action="indicator.target_set",
        target=target,
        details={"year": year, "key": key, "target_bp": target_bp},
    )
    return target


def _clean_row(row: dict[str, str]) -> dict[str, object]:
    errors = []
    raw_date = row.get("inspected_on", "").strip()
    inspected_on = None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            inspected_on = datetime.strptime(raw_date, pattern).date()
            break
        except ValueError:
            continue
    if inspected_on is None:
        errors.append(_("检查日期应为 YYYY-MM-DD。"))
    name = row.get("object_name", "").strip()
    if not name:
        errors.append(_("缺少对象名称。"))
    kind_text = row.get("kind", "").strip()
    kind = KIND_BY_LABEL.get(kind_text) or (
        kind_text if kind_text in OtherInspection.Kind.values else ""
    )
    if not kind:
        errors.append(_("检查类型应为：%(kinds)s。") % {"kinds": "、".join(KIND_BY_LABEL)})
    if errors:
        raise ValidationError(errors)
    return {
        "inspected_on": inspected_on,
        "object_name": name[:200],
        "object_code": row.get("object_code", "").strip()[:32],
        "kind": kind,
        "reference": row.get("reference", "").strip()[:100],
    }


@transaction.atomic
def other_inspection_record(
    *,
    department: Department,
    recorded_by: User,
    kind: str,
    inspected_on: date,
    object_name: str,
    object_code: str = "",
    reference: str = "",
    source: str = "manual",
) -> OtherInspection:
    _require_recorder(recorded_by, department)
    if (
        reference
        and OtherInspection.objects.filter(department=department, reference=reference).exists()
    ):
        raise ValidationError({"reference": _("本部门已登记该文书编号的检查。")})
    inspection = OtherInspection(
        department=department,
        kind=kind,
        inspected_on=inspected_on,
        object_name=object_name,
        object_code=object_code,
        reference=reference,
        source=source,
        created_by=recorded_by,
    )
    inspection.full_clean()
    inspection.save()
    record_event(
        actor=recorded_by,
        action="indicator.other_inspection_record",
        target=inspection,
        details={"department": department.code, "kind": kind, "on": inspected_on.isoformat()},
    )
    return inspection


@transaction.atomic
def other_inspection_import(
    *, department: Department, imported_by: User, content: bytes, filename: str
) -> dict[str, int]:
    """All rows or none: every row is checked first and the errors come back with their row
    numbers; a document number already recorded for the department is skipped, not doubled."""
    _require_recorder(imported_by, department)
    try:
        header, rows = read_table(content, filename)
    except ImportFileError as error:
        raise ValidationError(str(error)) from None
    fields = [IMPORT_COLUMNS.get(name.strip(), "") for name in header]
    missing = {"inspected_on", "object_name", "kind"} - set(fields)
    if missing:
        labels = [label for label, field in IMPORT_COLUMNS.items() if field in missing]
        raise ValidationError(_("缺少列：%(columns)s。") % {"columns": "、".join(labels)})
    cleaned, errors = [], []
    for number, row in rows:
        values = {field: cell for field, cell in zip(fields, row, strict=False) if field}
        try:
            cleaned.append(_clean_row(values))
        except ValidationError as error:
            errors.append(
                _("第 %(row)d 行：%(errors)s")
                % {"row": number, "errors": "；".join(error.messages)}
            )
    if errors:
        raise ValidationError(errors[:50])
    known = set(
        OtherInspection.objects.filter(department=department)
        .exclude(reference="")
        .values_list("reference", flat=True)
    )
    new = []
    for clean in cleaned:
        reference = str(clean["reference"])
        if reference and reference in known:
            continue
        known.add(reference)
        new.append(
            OtherInspection(department=department, source="import", created_by=imported_by, **clean)
        )
    OtherInspection.objects.bulk_create(new)
    counts = {"created": len(new), "skipped": len(cleaned) - len(new)}
    record_event(
        actor=imported_by,
        action="indicator.other_inspection_import",
        target=department,
        details={"filename": filename[:200], **counts},
    )
    return counts

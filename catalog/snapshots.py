"""A matter as plain JSON: what revisions store, what the import compares and the API shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from catalog.choices import ImplementingLevel, InspectionMethod, MatterCategory, MatterStatus
from catalog.models import Matter

# The fields an office admin edits (code is fixed at creation). Department fields hold codes.
EDITABLE_FIELDS = (
    "name",
    "field",
    "legal_basis",
    "object_type",
    "inspection_content",
    "methods",
    "category",
    "ratio_cap_bp",
    "frequency",
    "implementing_level",
    "is_common",
    "is_joint",
    "list_year",
    "effective_from",
    "source",
    "compiling_department",
    "implementing_subject_text",
    "participating_departments_text",
    "implementing_departments",
    "participating_departments",
    "scope",
)
DEPARTMENT_FIELDS = ("implementing_departments", "participating_departments")
SNAPSHOT_FIELDS = ("code", *EDITABLE_FIELDS, "effective_until", "status", "revision")

FIELD_LABELS: dict[str, Any] = {
    "code": _("事项编码"),
    "name": _("抽查事项"),
    "field": _("领域"),
    "legal_basis": _("抽查依据"),
    "object_type": _("抽查对象"),
    "inspection_content": _("检查内容"),
    "methods": _("检查方式"),
    "category": _("事项类别"),
    "ratio_cap_bp": _("抽查比例上限（基点）"),
    "frequency": _("抽查频次"),
    "implementing_level": _("实施层级"),
    "is_common": _("通用事项"),
    "is_joint": _("部门联合抽查事项"),
    "list_year": _("清单版本年度"),
    "effective_from": _("生效日期"),
    "effective_until": _("失效日期"),
    "status": _("状态"),
    "source": _("来源清单"),
    "compiling_department": _("编制单位"),
    "implementing_subject_text": _("实施主体（原文）"),
    "participating_departments_text": _("配合部门（原文）"),
    "implementing_departments": _("实施部门"),
    "participating_departments": _("配合部门"),
    "scope": _("对象范围"),
    "revision": _("修订次数"),
    "check_points": _("检查要点"),
}

_CHOICE_LABELS = {
    "category": dict(MatterCategory.choices),
    "implementing_level": dict(ImplementingLevel.choices),
    "status": dict(MatterStatus.choices),
}
_METHOD_LABELS = dict(InspectionMethod.choices)


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def matter_snapshot(
    matter: Matter,
    *,
    department_codes: dict[str, list[str]] | None = None,
    check_points: list[dict] | None = None,
) -> dict[str, Any]:
    """The matter's fields as JSON. Department codes and check points are read from the database
    unless given (the import passes them to avoid a query per matter)."""
    snapshot: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        if name in DEPARTMENT_FIELDS:
            if department_codes is not None:
                snapshot[name] = sorted(department_codes.get(name, []))
            else:
                snapshot[name] = sorted(
                    department.code for department in getattr(matter, name).all()
                )
        else:
            snapshot[name] = plain(getattr(matter, name))
    if check_points is None:
        check_points = [check_point_snapshot(point) for point in matter.check_points.all()]
    snapshot["check_points"] = check_points
    return snapshot


def check_point_snapshot(point) -> dict[str, Any]:
    return {
        "position": point.position,
        "text": point.text,
        "basis": point.basis,
        "method": point.method,
        "allowed_answers": list(point.allowed_answers),
    }


def diff_snapshots(
    before: dict[str, Any], after: dict[str, Any], fields=EDITABLE_FIELDS
) -> dict[str, list]:
    """field -> [before, after] for every field that differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in fields
        if before.get(name) != after.get(name)
    }


def display_value(name: str, value: Any) -> str:
    """A field value as a person reads it (used in previews and revision tables)."""
    if value is None or value == "" or value == []:
        return "—"
    if name in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[name].get(value, value))
    if name == "methods":
        return "、".join(str(_METHOD_LABELS.get(method, method)) for method in value)
    if name == "ratio_cap_bp":
        return f"{value / 100:g}%"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if isinstance(value, dict):
        from registries.scopes import describe_scope

        try:
            return str(describe_scope(value))
        except ValueError:
            return str(value)
    return str(value)

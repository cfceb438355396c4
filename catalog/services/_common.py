"""What every change to a matter goes through: the office-admin check, the validation of edited
values, and the locked update or retirement that bumps `revision` and writes its MatterRevision
(who, when, why, the full snapshot). The services that call these record the audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import require
from catalog.choices import (
    InspectionMethod,
    MatterCategory,
    MatterStatus,
)
from catalog.models import Matter, MatterChangeProposal, MatterImport, MatterRevision
from catalog.permissions import can_edit_matters
from catalog.snapshots import (
    DEPARTMENT_FIELDS,
    EDITABLE_FIELDS,
    SNAPSHOT_FIELDS,
    diff_snapshots,
    matter_snapshot,
    plain,
)

DEFAULT_RATIO_CAP_BP = 500  # general matters: 5 % unless the list says otherwise (001 II.2)


def require_office_admin(user: User) -> None:
    require(can_edit_matters, user, _("只有联席办管理员可以维护抽查事项清单。"))


def _departments(
    codes_or_departments: Iterable[Department | str] | None, field_name: str
) -> list[Department]:
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


def normalise_values(data: dict[str, Any]) -> dict[str, Any]:
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


def apply_values(matter: Matter, values: dict[str, Any]) -> dict[str, list[Department]]:
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


def planned_snapshot(before: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    after = dict(before)
    for name, value in values.items():
        after[name] = sorted(d.code for d in value) if name in DEPARTMENT_FIELDS else plain(value)
    if after.get("category") == MatterCategory.GENERAL and after.get("ratio_cap_bp") is None:
        after["ratio_cap_bp"] = DEFAULT_RATIO_CAP_BP
    return after


def save_revision(
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


def update_matter(
    *,
    matter: Matter,
    values: dict[str, Any],
    actor: User,
    action: str,
    reason: str,
    matter_import: MatterImport | None = None,
    proposal: MatterChangeProposal | None = None,
) -> tuple[Matter, dict[str, list[Any]]]:
    """Lock, apply the values, bump the revision and write its history row. No change, no write."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    before = matter_snapshot(matter)
    changes = diff_snapshots(before, planned_snapshot(before, values), fields=SNAPSHOT_FIELDS)
    if not changes:
        return matter, {}
    relations = apply_values(matter, values)
    matter.revision += 1
    matter.updated_by = actor
    matter.full_clean(exclude=["implementing_departments", "participating_departments"])
    matter.save()
    for name, departments in relations.items():
        getattr(matter, name).set(departments)
    save_revision(
        matter=matter,
        action=action,
        changed_by=actor,
        changes=changes,
        reason=reason,
        matter_import=matter_import,
        proposal=proposal,
    )
    return matter, changes


def retire_matter(
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
    save_revision(
        matter=matter,
        action=action,
        changed_by=actor,
        changes=changes,
        reason=reason,
        matter_import=matter_import,
        proposal=proposal,
    )
    return matter

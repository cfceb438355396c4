"""Everything that can happen to inspectors and experts (执法检查人员名录库 and the expert registry).

Who may write:
- inspectors: the office admin, or a user with a working role (department admin, liaison, staff)
  in the inspector's own department (registries.permissions.can_edit_registry);
- experts: the office admin only; departments read.
Every service records its audit event in the same transaction. Inspectors and experts are never
deleted: people move, retire or go on leave, and their codes stay in published draw bundles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import Role
from accounts.models import Department, User
from accounts.roles import is_office_admin, require
from accounts.types import RequestUser
from registries.choices import InspectorStatus
from registries.models import Expert, Inspector
from registries.permissions import can_edit_registry

LE_TAG = "LE"  # holds an enforcement certificate (执法证)
TAG_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$")
GRID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
REGION_PATTERN = re.compile(r"^\d{6}(\d{3}){0,2}$")
FINAL_STATUSES = frozenset({InspectorStatus.TRANSFERRED, InspectorStatus.RETIRED})
EXPERT_CODE_PREFIX = "EXPERT"
MAX_LOAD_LIMIT = 20

PROFILE_FIELDS = ("name", "post", "tags", "region_code", "grid", "max_load", "user")
STATUS_FIELDS = ("status", "status_since", "status_until")
EXPERT_FIELDS = (
    "name",
    "organisation",
    "speciality",
    "tags",
    "status",
    "max_load",
    "region_code",
    "grid",
)


# --- permissions -------------------------------------------------------------------------------


def can_edit_inspectors_of(user: RequestUser, department: Department) -> bool:
    if not can_edit_registry(user):
        return False
    if user.is_office_admin:
        return True
    return user.department_id == department.pk


def _require_inspector_editor(user: RequestUser, department: Department) -> None:
    if not can_edit_inspectors_of(user, department):
        raise PermissionDenied(_("您无权维护该部门的执法检查人员。"))


def _require_expert_editor(user: RequestUser) -> None:
    require(is_office_admin, user, _("专家库由联席办管理员维护。"))


# --- normalisation -----------------------------------------------------------------------------


def normalise_tags(tags: Iterable[str] | str | None) -> list[str]:
    """Tags are ASCII identifiers (they go into the draw's inspector file): upper case, sorted,
    de-duplicated; a string is split on ; , 、 and whitespace."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = re.split(r"[;,，；、\s]+", tags)
    cleaned = sorted({tag.strip().upper() for tag in tags if tag and tag.strip()})
    bad = [tag for tag in cleaned if not TAG_PATTERN.match(tag)]
    if bad:
        raise ValidationError(
            {"tags": _("标签只能由大写字母、数字和下划线组成：%(tags)s") % {"tags": "、".join(bad)}}
        )
    return cleaned


def _sync_le_tag(tags: list[str], certificate_number: str) -> list[str]:
    """LE means "holds an enforcement certificate": it follows the certificate number."""
    tags = [tag for tag in tags if tag != LE_TAG]
    if certificate_number:
        tags.append(LE_TAG)
    return sorted(tags)


def _clean_location(region_code: str, grid: str) -> tuple[str, str]:
    region_code, grid = (region_code or "").strip(), (grid or "").strip()
    errors = {}
    if region_code and not REGION_PATTERN.match(region_code):
        errors["region_code"] = _("行政区划代码应为 6、9 或 12 位数字。")
    if grid and not GRID_PATTERN.match(grid):
        errors["grid"] = _("网格编码只能由字母、数字、短横线和下划线组成。")
    if errors:
        raise ValidationError(errors)
    return region_code, grid


def _clean_max_load(max_load: int) -> int:
    if max_load is None or not 1 <= int(max_load) <= MAX_LOAD_LIMIT:
        raise ValidationError(
            {
                "max_load": _("同期最多参加检查组数应在 1 到 %(limit)s 之间。")
                % {"limit": MAX_LOAD_LIMIT}
            }
        )
    return int(max_load)


def _clean_certificate(
    *, inspector: Inspector | None, number: str, valid_from: date | None, valid_until: date | None
) -> str:
    number = (number or "").strip()
    errors = {}
    if number:
        if valid_until is None:
            errors["certificate_valid_until"] = _("请填写执法证有效期截止日期。")
        if valid_from and valid_until and valid_until < valid_from:
            errors["certificate_valid_until"] = _("执法证有效期截止日期不能早于起始日期。")
        duplicate = Inspector.objects.filter(certificate_number=number).exclude(
            status__in=FINAL_STATUSES
        )
        if inspector is not None and inspector.pk:
            duplicate = duplicate.exclude(pk=inspector.pk)
        if duplicate.exists():
            errors["certificate_number"] = _("执法证号 %(number)s 已登记在其他在册人员名下。") % {
                "number": number
            }
    elif valid_from or valid_until:
        errors["certificate_number"] = _("填写有效期时须同时填写执法证号。")
    if errors:
        raise ValidationError(errors)
    return number


def _clean_user_link(
    user: User | None, department: Department, inspector: Inspector | None
) -> None:
    if user is None:
        return
    if user.department_id != department.pk:
        raise ValidationError({"user": _("关联的账户必须属于该人员所在部门。")})
    if Role.INSPECTOR not in user.roles:
        # The link is how an inspector account finds its groups and enters its records.
        raise ValidationError({"user": _("关联的账户须具有执法检查人员角色。")})
    taken = Inspector.objects.filter(user=user)
    if inspector is not None and inspector.pk:
        taken = taken.exclude(pk=inspector.pk)
    if taken.exists():
        raise ValidationError({"user": _("该账户已关联其他执法检查人员。")})


def _clean_status(
    *, before: str | None, status: str, since: date | None, until: date | None
) -> tuple[date | None, date | None]:
    """Statuses with their dates: leave is dated and temporary; transferred and retired are final."""
    if status not in InspectorStatus.values:
        raise ValidationError({"status": _("未知状态：%(status)s") % {"status": status}})
    if before in FINAL_STATUSES and status != before:
        raise ValidationError(
            {"status": _("已调离或退休的人员不能恢复为其他状态；如重新入职，请新建人员。")}
        )
    today = timezone.localdate()
    if status == InspectorStatus.ON_LEAVE:
        if since is None:
            raise ValidationError({"status_since": _("请填写休假起始日期。")})
        if until is not None and until < since:
            raise ValidationError({"status_until": _("休假结束日期不能早于起始日期。")})
        return since, until
    if until is not None:
        raise ValidationError({"status_until": _("只有休假需要填写结束日期。")})
    return since or today, None


def _department_for_inspectors(department: Department) -> None:
    if department.is_office:
        raise ValidationError({"department": _("联席会议办公室不设执法检查人员。")})
    if not department.is_active:
        raise ValidationError({"department": _("该部门已停用。")})


def _next_code(prefix: str, model: type[Inspector] | type[Expert]) -> str:
    """`<PREFIX>-<4-digit sequence>`, one more than the highest code ever issued with the prefix.

    Inspectors and experts are never deleted, so max + 1 never reuses a code. The caller holds a
    lock that serialises issuers of the same prefix (the department row, or the expert table).
    """
    pattern = rf"^{re.escape(prefix)}-[0-9]+$"
    highest = (
        model.objects.filter(code__regex=pattern)
        .annotate(number=Cast(Substr("code", len(prefix) + 2), IntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return f"{prefix}-{(highest or 0) + 1:04d}"


def _inspector_snapshot(inspector: Inspector) -> dict[str, Any]:
    return {
        "code": inspector.code,
        "name": inspector.name,
        "department": inspector.department.code,
        "post": inspector.post,
        "certificate_number": inspector.certificate_number,
        "certificate_valid_from": inspector.certificate_valid_from,
        "certificate_valid_until": inspector.certificate_valid_until,
        "tags": list(inspector.tags),
        "region_code": inspector.region_code,
        "grid": inspector.grid,
        "status": inspector.status,
        "status_since": inspector.status_since,
        "status_until": inspector.status_until,
        "max_load": inspector.max_load,
        "user": inspector.user.username if inspector.user else "",
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}


# --- inspectors --------------------------------------------------------------------------------


@transaction.atomic
def inspector_create(
    *,
    created_by: User,
    department: Department,
    name: str,
    post: str = "",
    certificate_number: str = "",
    certificate_valid_from: date | None = None,
    certificate_valid_until: date | None = None,
    tags: Iterable[str] | str | None = None,
    region_code: str = "",
    grid: str = "",
    max_load: int = 3,
    user: User | None = None,
    status: str = InspectorStatus.ACTIVE,
    status_since: date | None = None,
    status_until: date | None = None,
    source: str = "manual",
) -> Inspector:
    """Register an inspector; the public code `<DEPT>-<NNNN>` is issued here and never reused."""
    _require_inspector_editor(created_by, department)
    _department_for_inspectors(department)
    # Serialise code issuing per department: two concurrent creations must not get the same code.
    Department.objects.select_for_update().filter(pk=department.pk).first()
    number = _clean_certificate(
        inspector=None,
        number=certificate_number,
        valid_from=certificate_valid_from,
        valid_until=certificate_valid_until,
    )
    region_code, grid = _clean_location(region_code, grid)
    _clean_user_link(user, department, None)
    if status in FINAL_STATUSES:
        raise ValidationError({"status": _("新登记的人员不能是调离或退休状态。")})
    since, until = _clean_status(before=None, status=status, since=status_since, until=status_until)
    inspector = Inspector(
        code=_next_code(department.code, Inspector),
        name=(name or "").strip(),
        department=department,
        user=user,
        post=(post or "").strip(),
        certificate_number=number,
        certificate_valid_from=certificate_valid_from if number else None,
        certificate_valid_until=certificate_valid_until if number else None,
        tags=_sync_le_tag(normalise_tags(tags), number),
        region_code=region_code,
        grid=grid,
        status=status,
        status_since=since,
        status_until=until,
        max_load=_clean_max_load(max_load),
    )
    inspector.full_clean()
    inspector.save()
    record_event(
        actor=created_by,
        action="inspector.create",
        target=inspector,
        details={**_inspector_snapshot(inspector), "source": source},
    )
    return inspector


@transaction.atomic
def inspector_update(*, inspector: Inspector, updated_by: User, **changes: Any) -> Inspector:
    """Change profile fields (name, post, tags, region_code, grid, max_load, user) and/or the status
    with its dates (status, status_since, status_until). A status change is recorded as its own
    `inspector.status` event, which is the status history the detail page shows."""
    unknown = sorted(set(changes) - set(PROFILE_FIELDS) - set(STATUS_FIELDS))
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(fields)s") % {"fields": "、".join(unknown)})
    _require_inspector_editor(updated_by, inspector.department)
    inspector = (
        Inspector.objects.select_for_update(of=("self",))
        .select_related("department", "user")
        .get(pk=inspector.pk)
    )
    before = _inspector_snapshot(inspector)
    if "name" in changes:
        inspector.name = (changes["name"] or "").strip()
    if "post" in changes:
        inspector.post = (changes["post"] or "").strip()
    if "tags" in changes:
        inspector.tags = _sync_le_tag(normalise_tags(changes["tags"]), inspector.certificate_number)
    if "region_code" in changes or "grid" in changes:
        inspector.region_code, inspector.grid = _clean_location(
            changes.get("region_code", inspector.region_code), changes.get("grid", inspector.grid)
        )
    if "max_load" in changes:
        inspector.max_load = _clean_max_load(changes["max_load"])
    if "user" in changes:
        _clean_user_link(changes["user"], inspector.department, inspector)
        inspector.user = changes["user"]
    if any(field in changes for field in STATUS_FIELDS):
        status = changes.get("status", inspector.status)
        since = changes.get(
            "status_since", inspector.status_since if status == before["status"] else None
        )
        until = changes.get(
            "status_until", inspector.status_until if status == before["status"] else None
        )
        inspector.status_since, inspector.status_until = _clean_status(
            before=before["status"], status=status, since=since, until=until
        )
        inspector.status = status
    inspector.full_clean()
    after = _inspector_snapshot(inspector)
    diff = _diff(before, after)
    if not diff:
        return inspector
    inspector.save()
    status_diff = {key: diff.pop(key) for key in STATUS_FIELDS if key in diff}
    if diff:
        record_event(
            actor=updated_by, action="inspector.update", target=inspector, details={"changes": diff}
        )
    if status_diff:
        record_event(
            actor=updated_by,
            action="inspector.status",
            target=inspector,
            details={
                "from": before["status"],
                "to": inspector.status,
                "since": inspector.status_since,
                "until": inspector.status_until,
            },
        )
    return inspector


@transaction.atomic
def inspector_set_certificate(
    *,
    inspector: Inspector,
    changed_by: User,
    certificate_number: str,
    certificate_valid_from: date | None,
    certificate_valid_until: date | None,
) -> Inspector:
    """Record a new or renewed enforcement certificate (an empty number removes it, and the LE tag)."""
    _require_inspector_editor(changed_by, inspector.department)
    inspector = (
        Inspector.objects.select_for_update(of=("self",))
        .select_related("department", "user")
        .get(pk=inspector.pk)
    )
    before = _inspector_snapshot(inspector)
    number = _clean_certificate(
        inspector=inspector,
        number=certificate_number,
        valid_from=certificate_valid_from,
        valid_until=certificate_valid_until,
    )
    inspector.certificate_number = number
    inspector.certificate_valid_from = certificate_valid_from if number else None
    inspector.certificate_valid_until = certificate_valid_until if number else None
    inspector.tags = _sync_le_tag(list(inspector.tags), number)
    inspector.full_clean()
    inspector.save(
        update_fields=[
            "certificate_number",
            "certificate_valid_from",
            "certificate_valid_until",
            "tags",
            "updated_at",
        ]
    )
    record_event(
        actor=changed_by,
        action="inspector.certificate",
        target=inspector,
        details={"changes": _diff(before, _inspector_snapshot(inspector))},
    )
    return inspector


# --- experts -----------------------------------------------------------------------------------


def _expert_snapshot(expert: Expert) -> dict[str, Any]:
    return {
        field: (list(expert.tags) if field == "tags" else getattr(expert, field))
        for field in EXPERT_FIELDS
    }


def _lock_expert_codes() -> None:
    # Experts have no department row to lock; a transaction-scoped advisory lock serialises issuers.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x55A1_E0E0])


@transaction.atomic
def expert_create(
    *,
    created_by: User,
    name: str,
    organisation: str,
    speciality: str,
    tags: Iterable[str] | str | None = None,
    max_load: int = 3,
    status: str = InspectorStatus.ACTIVE,
    source: str = "manual",
    region_code: str = "",
    grid: str = "",
) -> Expert:
    """Register an expert or third-party staff member; code `EXPERT-<NNNN>`, never reused. The
    region and grid (optional) let the office's automatic recusal rules apply to them."""
    _require_expert_editor(created_by)
    if status not in (InspectorStatus.ACTIVE, InspectorStatus.ON_LEAVE):
        raise ValidationError({"status": _("新登记的专家只能是在岗或休假状态。")})
    _lock_expert_codes()
    expert = Expert(
        code=_next_code(EXPERT_CODE_PREFIX, Expert),
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        speciality=(speciality or "").strip(),
        tags=normalise_tags(tags),
        status=status,
        max_load=_clean_max_load(max_load),
        region_code=(region_code or "").strip(),
        grid=(grid or "").strip(),
    )
    expert.full_clean()
    expert.save()
    record_event(
        actor=created_by,
        action="expert.create",
        target=expert,
        details={**_expert_snapshot(expert), "code": expert.code, "source": source},
    )
    return expert


@transaction.atomic
def expert_update(*, expert: Expert, updated_by: User, **changes: Any) -> Expert:
    unknown = sorted(set(changes) - set(EXPERT_FIELDS))
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(fields)s") % {"fields": "、".join(unknown)})
    _require_expert_editor(updated_by)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = _expert_snapshot(expert)
    for field in ("name", "organisation", "speciality", "region_code", "grid"):
        if field in changes:
            setattr(expert, field, (changes[field] or "").strip())
    if "tags" in changes:
        expert.tags = normalise_tags(changes["tags"])
    if "max_load" in changes:
        expert.max_load = _clean_max_load(changes["max_load"])
    if "status" in changes:
        if changes["status"] not in InspectorStatus.values:
            raise ValidationError(
                {"status": _("未知状态：%(status)s") % {"status": changes["status"]}}
            )
        if before["status"] in FINAL_STATUSES and changes["status"] != before["status"]:
            raise ValidationError({"status": _("已调离或退休的专家不能恢复为其他状态。")})
        expert.status = changes["status"]
    expert.full_clean()
    diff = _diff(before, _expert_snapshot(expert))
    if not diff:
        return expert
    expert.save()
    record_event(actor=updated_by, action="expert.update", target=expert, details={"changes": diff})
    return expert

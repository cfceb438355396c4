"""Drafting plan items: a department's liaison or staff, or an office admin."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from catalog.choices import MatterStatus
from catalog.models import Matter
from plans.choices import PlanItemStatus, SubmissionStatus
from plans.models import DepartmentSubmission, PlanItem, PlanYear
from plans.permissions import can_draft_items, can_manage_plans
from plans.scoping import clean_item_scope, clean_ratios, clean_window, item_cap_bp


def _require_editor(
    user: User, plan_year: PlanYear, department: Department
) -> DepartmentSubmission:
    """Office admins edit any item while items are editable; a department's editors edit their
    own department's items until the department's report is submitted (and again after the
    office returns it)."""
    if not (
        can_manage_plans(user) or (can_draft_items(user) and user.department_id == department.pk)
    ):
        raise PermissionDenied(_("您只能编辑本部门的计划事项。"))
    if not plan_year.items_editable:
        raise ValidationError(
            _("年度计划当前状态为“%(status)s”，计划事项不能修改。")
            % {"status": plan_year.get_status_display()}
        )
    submission, _created = DepartmentSubmission.objects.get_or_create(
        plan_year=plan_year, department=department
    )
    if submission.status == SubmissionStatus.SUBMITTED and not can_manage_plans(user):
        raise ValidationError(_("本部门计划已报送，事项已锁定；如需修改，请联系联席办退回。"))
    return submission


def _clean(
    *,
    department: Department,
    title: str,
    matters: Iterable[Matter],
    participating_departments: Iterable[Department],
    scope: dict[str, Any] | None,
    directed: bool,
    ratios: dict[str, Any] | None,
    window_start_month: int,
    window_end_month: int,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写任务名称。")
    matters = list(matters)
    if not matters:
        errors["matters"] = _("至少选择一个抽查事项。")
    inactive = [matter.code for matter in matters if matter.status != MatterStatus.ACTIVE]
    if inactive:
        errors["matters"] = _("以下事项已停用：%(codes)s") % {"codes": "、".join(inactive)}
    if department.is_office:
        errors["department"] = _("计划事项须由成员部门牵头。")
    participants = [other for other in participating_departments if other.pk != department.pk]
    if any(other.is_office for other in participants):
        errors["participating_departments"] = _("配合部门须为成员部门。")
    cleaned: dict[str, Any] = {"title": title, "matters": matters, "participants": participants}
    for key, function in (
        ("scope", lambda: clean_item_scope(scope, directed=directed)),
        ("window", lambda: clean_window(int(window_start_month), int(window_end_month))),
        ("ratios", lambda: clean_ratios(ratios, cap_bp=item_cap_bp(matters))),
    ):
        try:
            cleaned[key] = function()
        except ValidationError as error:
            errors.update(error.message_dict)
        except (TypeError, ValueError):
            errors[key] = _("请填写有效的数值。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _summary(item: PlanItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "department": item.department.code,
        "matters": sorted(item.matters.values_list("code", flat=True)),
        "participating_departments": sorted(
            item.participating_departments.values_list("code", flat=True)
        ),
        "scope": item.scope,
        "directed": item.directed,
        "ratios": item.ratios,
        "window": [item.window_start_month, item.window_end_month],
        "notes": item.notes,
    }


@transaction.atomic
def plan_item_create(
    *,
    plan_year: PlanYear,
    department: Department,
    created_by: User,
    title: str,
    matters: Iterable[Matter],
    scope: dict[str, Any] | None,
    directed: bool,
    ratios: dict[str, Any] | None,
    window_start_month: int,
    window_end_month: int,
    participating_departments: Iterable[Department] = (),
    notes: str = "",
) -> PlanItem:
    """Draft an item. An item the office adds to an already-submitted report is submitted too."""
    plan_year = PlanYear.objects.select_for_update().get(pk=plan_year.pk)
    submission = _require_editor(created_by, plan_year, department)
    cleaned = _clean(
        department=department,
        title=title,
        matters=matters,
        participating_departments=participating_departments,
        scope=scope,
        directed=directed,
        ratios=ratios,
        window_start_month=window_start_month,
        window_end_month=window_end_month,
    )
    item = PlanItem.objects.create(
        plan_year=plan_year,
        department=department,
        title=cleaned["title"],
        scope=cleaned["scope"],
        directed=directed,
        ratios=cleaned["ratios"],
        window_start_month=cleaned["window"][0],
        window_end_month=cleaned["window"][1],
        notes=(notes or "").strip(),
        created_by=created_by,
        status=PlanItemStatus.SUBMITTED
        if submission.status == SubmissionStatus.SUBMITTED
        else PlanItemStatus.DRAFT,
    )
    item.matters.set(cleaned["matters"])
    item.participating_departments.set(cleaned["participants"])
    record_event(actor=created_by, action="plan_item.create", target=item, details=_summary(item))
    return item


@transaction.atomic
def plan_item_update(
    *,
    item: PlanItem,
    updated_by: User,
    title: str,
    matters: Iterable[Matter],
    scope: dict[str, Any] | None,
    directed: bool,
    ratios: dict[str, Any] | None,
    window_start_month: int,
    window_end_month: int,
    participating_departments: Iterable[Department] = (),
    notes: str = "",
) -> PlanItem:
    item = (
        PlanItem.objects.select_for_update()
        .select_related("plan_year", "department")
        .get(pk=item.pk)
    )
    _require_editor(updated_by, item.plan_year, item.department)
    if item.status == PlanItemStatus.WITHDRAWN:
        raise ValidationError(_("该事项已撤销，不能修改。"))
    cleaned = _clean(
        department=item.department,
        title=title,
        matters=matters,
        participating_departments=participating_departments,
        scope=scope,
        directed=directed,
        ratios=ratios,
        window_start_month=window_start_month,
        window_end_month=window_end_month,
    )
    before = _summary(item)
    item.title = cleaned["title"]
    item.scope = cleaned["scope"]
    item.directed = directed
    item.ratios = cleaned["ratios"]
    item.window_start_month, item.window_end_month = cleaned["window"]
    item.notes = (notes or "").strip()
    item.save(
        update_fields=[
            "title",
            "scope",
            "directed",
            "ratios",
            "window_start_month",
            "window_end_month",
            "notes",
            "updated_at",
        ]
    )
    item.matters.set(cleaned["matters"])
    item.participating_departments.set(cleaned["participants"])
    after = _summary(item)
    changed = {
        key: {"before": before[key], "after": after[key]}
        for key in after
        if before[key] != after[key]
    }
    record_event(
        actor=updated_by, action="plan_item.update", target=item, details={"changes": changed}
    )
    return item


@transaction.atomic
def plan_item_delete(*, item: PlanItem, deleted_by: User) -> PlanItem | None:
    """Remove an item. An item that belongs to an approved version is withdrawn (kept for the
    change history) rather than deleted; a draft simply disappears. Returns the withdrawn item,
    or None when it was deleted."""
    item = (
        PlanItem.objects.select_for_update()
        .select_related("plan_year", "department")
        .get(pk=item.pk)
    )
    _require_editor(deleted_by, item.plan_year, item.department)
    summary = _summary(item)
    if item.status == PlanItemStatus.APPROVED:
        item.status = PlanItemStatus.WITHDRAWN
        item.save(update_fields=["status", "updated_at"])
        record_event(actor=deleted_by, action="plan_item.withdraw", target=item, details=summary)
        return item
    if item.status == PlanItemStatus.WITHDRAWN:
        raise ValidationError(_("该事项已撤销。"))
    record_event(actor=deleted_by, action="plan_item.delete", target=item, details=summary)
    item.delete()
    return None

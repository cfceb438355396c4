"""Everything that can happen to a joint task before and after its draw (the draw itself is in
tasks.services.draws). Each service validates, saves, records its audit event and returns."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import record_event
from accounts.models import Department, User
from accounts.roles import is_office_admin, require
from catalog.models import CheckPoint, Matter
from plans.scoping import format_bp, item_cap_bp
from registries.choices import RiskClass
from registries.drawable import EXPERT_DEPARTMENT
from registries.scopes import ScopeError, clean_scope
from tasks.choices import TaskStatus
from tasks.models import MAX_ATTEMPTS_LIMIT, TASK_CODE_RE, WITNESS_TASK, Task
from tasks.permissions import can_create_task, can_manage_task, is_eligible_second_witness
from tasks.services.terms import approval_holds, changed_terms, task_terms

if TYPE_CHECKING:
    from plans.models import PlanItem

EDITABLE_STATUSES = (TaskStatus.DRAFT, TaskStatus.APPROVED, TaskStatus.PENDING_APPROVAL)
TAG_RE = re.compile(r"^[!-+\--:<-{}~]+$")


def common_matters() -> list[Matter]:
    """Common matters in force today (status and effective dates), merged into every task."""
    from catalog.selectors import common_matters as common_matters_in_force

    return list(common_matters_in_force())


def next_task_code(year: int) -> str:
    prefix = f"LJ-{year}-"
    numbers = [
        int(code[len(prefix) :])
        for code in Task.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def clean_strata(strata: Any, *, cap_bp: int = 10000) -> dict[str, dict[str, int]]:
    """Per credit risk class A–D: {"rate_bp": 0..cap} or {"count": n}; every class is set.

    `cap_bp` is the matters' ratio cap (general matters are capped, key matters go to 100 %); a
    count rule is held to the same cap when the announcement knows the pool (`check_count_caps`).
    """
    if not isinstance(strata, dict):
        raise ValidationError({"strata": _("分类抽查比例格式不正确。")})
    cleaned: dict[str, dict[str, int]] = {}
    for risk_class in RiskClass.values:
        rule = strata.get(risk_class, {"rate_bp": 0})
        if (
            not isinstance(rule, dict)
            or len(rule) != 1
            or next(iter(rule)) not in ("rate_bp", "count")
        ):
            raise ValidationError(
                {"strata": _("%(c)s类须设置比例（基点）或户数之一。") % {"c": risk_class}}
            )
        ((kind, value),) = rule.items()
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"strata": _("%(c)s类的数值必须是整数。") % {"c": risk_class}}
            ) from None
        if value < 0 or (kind == "rate_bp" and value > 10000):
            raise ValidationError(
                {"strata": _("%(c)s类的比例必须在 0 至 10000 基点之间。") % {"c": risk_class}}
            )
        if kind == "rate_bp" and value > cap_bp:
            raise ValidationError(
                {
                    "strata": _(
                        "%(c)s类抽查比例 %(v)s 超过所选事项的比例上限 %(cap)s（一般事项有上限，"
                        "重点事项最高 100%%）。"
                    )
                    % {"c": risk_class, "v": format_bp(value), "cap": format_bp(cap_bp)}
                }
            )
        cleaned[risk_class] = {kind: value}
    unknown = sorted(set(strata) - set(RiskClass.values))
    if unknown:
        raise ValidationError({"strata": _("未知的风险分类：%(v)s") % {"v": "、".join(unknown)}})
    return cleaned


def matters_cap_bp(matters: list[Matter]) -> int:
    """The highest rate a task of these matters may use (common matters, merged into every task,
    do not count: the plan items' caps leave them out too)."""
    return item_cap_bp([matter for matter in matters if not matter.is_common])


def check_count_caps(strata: dict[str, Any], pool_sizes: dict[str, int], *, cap_bp: int) -> None:
    """A {"count": k} rule draws at most what the cap allows of the stratum's pool."""
    for risk_class, rule in sorted(strata.items()):
        if "count" not in rule:
            continue
        pool = pool_sizes.get(risk_class, 0)
        allowed = (pool * cap_bp + 9999) // 10000
        if rule["count"] > allowed:
            raise ValidationError(
                {
                    "strata": _(
                        "%(c)s类按户数抽取 %(k)s 户，超过比例上限 %(cap)s 允许的 %(n)s 户"
                        "（候选 %(pool)s 户）。"
                    )
                    % {
                        "c": risk_class,
                        "k": rule["count"],
                        "cap": format_bp(cap_bp),
                        "n": allowed,
                        "pool": pool,
                    }
                }
            )


def _clean_max_attempts(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"max_attempts": _("最多分配尝试次数必须是整数。")}) from None
    if not 1 <= value <= MAX_ATTEMPTS_LIMIT:
        raise ValidationError(
            {
                "max_attempts": _("最多分配尝试次数应在 1 至 %(n)s 之间。")
                % {"n": MAX_ATTEMPTS_LIMIT}
            }
        )
    return value


def _check_second_witness(task: Task, witness: User | None) -> None:
    if witness is not None and not is_eligible_second_witness(witness, task):
        raise ValidationError(
            {
                "second_witness": _(
                    "第二见证人须是本部门的纪检监督人员（见证人角色），或经联席办为本任务指定的人员。"
                )
            }
        )


def _validate_composition(
    *,
    lead: Department,
    participants: list[Department],
    composition: Any,
    required_tags: Any,
    groups: int,
) -> tuple[dict[str, int], dict[str, list[str]]]:
    allowed = {lead.code, EXPERT_DEPARTMENT, *(d.code for d in participants)}
    if not isinstance(composition, dict):
        raise ValidationError({"group_composition": _("每组人员构成格式不正确。")})
    cleaned: dict[str, int] = {}
    for dept, members in composition.items():
        if dept not in allowed:
            raise ValidationError(
                {"group_composition": _("部门 %(d)s 不是本任务的牵头或参与部门。") % {"d": dept}}
            )
        try:
            members = int(members)
        except (TypeError, ValueError):
            raise ValidationError({"group_composition": _("每组人数必须是整数。")}) from None
        if members < 0:
            raise ValidationError({"group_composition": _("每组人数不能为负数。")})
        if members:
            cleaned[dept] = members
    if cleaned.get(lead.code, 0) < 1:
        raise ValidationError(
            {"group_composition": _("每组至少有1名牵头部门人员（组长从中随机产生）。")}
        )
    if sum(cleaned.values()) < 2:
        raise ValidationError({"group_composition": _("每个检查组至少2名检查人员。")})
    if groups < 1:
        raise ValidationError({"groups": _("检查组数至少为1。")})
    tags: dict[str, list[str]] = {}
    for dept, values in (required_tags or {}).items():
        if dept not in cleaned:
            raise ValidationError(
                {"required_tags": _("资格要求中的部门 %(d)s 不在人员构成中。") % {"d": dept}}
            )
        if isinstance(values, str):
            values = [v for v in re.split(r"[;,，；\s]+", values) if v]
        values = sorted(set(values))
        if not all(isinstance(v, str) and TAG_RE.match(v) for v in values):
            raise ValidationError(
                {"required_tags": _("资格标签只能包含字母、数字等字符，不含逗号、分号或空格。")}
            )
        if values:
            tags[dept] = values
    return cleaned, tags


def _validate_common(
    *,
    lead: Department,
    participants: list[Department],
    scope: Any,
    strata: Any,
    cap_bp: int,
    groups: int,
    composition: Any,
    required_tags: Any,
    start_date: date,
    end_date: date,
) -> dict[str, Any]:
    if lead in participants:
        raise ValidationError({"participating_departments": _("参与部门不应包含牵头部门本身。")})
    if any(d.is_office for d in participants):
        raise ValidationError({"participating_departments": _("联席办不参与检查。")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    try:
        scope = clean_scope(scope)
    except ScopeError as error:
        raise ValidationError({"scope": str(error)}) from None
    composition, tags = _validate_composition(
        lead=lead,
        participants=participants,
        composition=composition,
        required_tags=required_tags,
        groups=groups,
    )
    return {
        "scope": scope,
        "strata": clean_strata(strata, cap_bp=cap_bp),
        "group_composition": composition,
        "required_tags": tags,
        "groups": groups,
        "start_date": start_date,
        "end_date": end_date,
    }


def _set_matters(task: Task, matters: list[Matter]) -> None:
    """The chosen matters plus the common matters merged into every task (003 I)."""
    task.matters.set({*matters, *common_matters()})


@transaction.atomic
def task_create(
    *,
    created_by: User,
    title: str,
    matters: list[Matter],
    start_date: date,
    end_date: date,
    plan_item: PlanItem | None = None,
    adhoc_reason: str = "",
    participating_departments: list[Department] | None = None,
    scope: dict[str, Any] | None = None,
    strata: dict[str, Any] | None = None,
    groups: int = 1,
    group_composition: dict[str, int] | None = None,
    required_tags: dict[str, Any] | None = None,
    inspection_method: str = "on_site",
    second_witness: User | None = None,
    code: str = "",
    max_attempts: int = 20,
    deviation_reason: str = "",
) -> Task:
    """Create a task from an approved plan item of the user's department, or ad hoc with a reason
    (the office approves it before it can go to joint review).

    From a plan item, whatever is not given is taken from the item; what is given and differs
    from it (tasks.services.terms) makes the task an ad-hoc change that the office approves,
    with `deviation_reason`, before the draw can be announced."""
    if not can_create_task(created_by):
        raise PermissionDenied(_("只有成员部门的工作人员可以创建抽查任务。"))
    lead = created_by.department
    assert lead is not None  # can_create_task: a member department's staff
    if plan_item is not None:
        from plans.choices import PlanItemStatus

        if plan_item.department_id != lead.pk:
            raise PermissionDenied(_("只能根据本部门牵头的计划事项创建任务。"))
        if plan_item.status != PlanItemStatus.APPROVED:
            raise ValidationError({"plan_item": _("只能根据已批准的计划事项创建任务。")})
        if participating_departments is None:
            participating_departments = list(plan_item.participating_departments.all())
        if scope is None:
            scope = plan_item.scope
        if strata is None:
            strata = {k: {"rate_bp": int(v)} for k, v in (plan_item.ratios or {}).items()}
        if not matters:
            matters = list(plan_item.matters.all())
        title = title or plan_item.title
        adhoc_reason = ""
    elif deviation_reason.strip():
        raise ValidationError({"deviation_reason": _("只有根据计划事项创建的任务才有偏离理由。")})
    elif not adhoc_reason.strip():
        raise ValidationError({"adhoc_reason": _("临时任务须说明事由，并经联席办审批。")})
    participants = list(participating_departments or [])
    if not matters:
        raise ValidationError({"matters": _("至少选择一项抽查事项。")})
    if group_composition is None:
        group_composition = {lead.code: 1, **{d.code: 1 for d in participants}}
        if len(group_composition) == 1:
            group_composition[lead.code] = 2
    cleaned = _validate_common(
        lead=lead,
        participants=participants,
        scope=scope or {},
        strata=strata or {},
        cap_bp=matters_cap_bp(matters),
        groups=int(groups),
        composition=group_composition,
        required_tags=required_tags or {},
        start_date=start_date,
        end_date=end_date,
    )
    code = (code or next_task_code(start_date.year)).strip().upper()
    if not re.match(TASK_CODE_RE, code):
        raise ValidationError({"code": _("任务编号只能包含大写字母、数字和连字符。")})
    if Task.objects.filter(code=code).exists():
        raise ValidationError({"code": _("任务编号已存在。")})
    task = Task(
        code=code,
        title=title.strip(),
        lead_department=lead,
        plan_item=plan_item,
        adhoc_reason=adhoc_reason.strip(),
        inspection_method=inspection_method,
        second_witness=second_witness,
        max_attempts=_clean_max_attempts(max_attempts),
        deviation_reason=deviation_reason.strip(),
        created_by=created_by,
        **cleaned,
    )
    _check_second_witness(task, second_witness)
    task.full_clean()
    task.save()
    task.participating_departments.set(participants)
    _set_matters(task, matters)
    record_event(
        actor=created_by,
        action="task.create",
        target=task,
        details={
            "code": task.code,
            "plan_item": plan_item.pk if plan_item else None,
            "adhoc": task.is_adhoc,
            "participants": [d.code for d in participants],
            "terms": task_terms(task),
            "deviates_from_plan": task.deviates_from_plan,
        },
    )
    return task


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("lead_department").get(pk=task.pk)


UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "inspection_method",
        "second_witness",
        "max_attempts",
        "adhoc_reason",
        "deviation_reason",
    }
)


def _plain_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, User):
        return value.username
    return value


@transaction.atomic
def task_update(*, task: Task, updated_by: User, **changes: Any) -> Task:
    """Change a task that is not under review yet (draft, or ad hoc awaiting/after approval).

    The office approved exact terms: a change of scope, rates, matters or participants of an
    approved task (also after a withdrawal) makes the approval lapse, and the task waits for the
    office again (status "awaiting approval"); the audit event carries every value before and after.
    """
    task = _lock(task)
    if not can_manage_task(updated_by, task):
        raise PermissionDenied(_("只有牵头部门可以修改任务。"))
    if task.status not in (TaskStatus.DRAFT, TaskStatus.APPROVED):
        raise ValidationError(_("任务已提交会审或已抽取，不能修改；请先撤回公告。"))
    before_terms = task_terms(task)
    participants = changes.pop("participating_departments", None)
    matters = changes.pop("matters", None)
    participants = (
        list(participants)
        if participants is not None
        else list(task.participating_departments.all())
    )
    matter_list = list(matters) if matters is not None else list(task.matters.all())
    cleaned = _validate_common(
        lead=task.lead_department,
        participants=participants,
        scope=changes.pop("scope", task.scope),
        strata=changes.pop("strata", task.strata),
        cap_bp=matters_cap_bp(matter_list),
        groups=int(changes.pop("groups", task.groups)),
        composition=changes.pop("group_composition", task.group_composition),
        required_tags=changes.pop("required_tags", task.required_tags),
        start_date=changes.pop("start_date", task.start_date),
        end_date=changes.pop("end_date", task.end_date),
    )
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    if "max_attempts" in changes:
        changes["max_attempts"] = _clean_max_attempts(changes["max_attempts"])
    if "deviation_reason" in changes:
        if task.plan_item_id is None and (changes["deviation_reason"] or "").strip():
            raise ValidationError({"deviation_reason": _("临时任务请填写临时任务事由。")})
        changes["deviation_reason"] = (changes["deviation_reason"] or "").strip()
    if "second_witness" in changes:
        _check_second_witness(task, changes["second_witness"])
    before = {name: _plain_value(getattr(task, name)) for name in {*cleaned, *changes}}
    for name, value in {**cleaned, **changes}.items():
        setattr(task, name, value)
    task.full_clean()
    task.participating_departments.set(participants)
    if matters is not None:
        _set_matters(task, matter_list)
    after_terms = task_terms(task)
    lapsed = task.approved_at is not None and after_terms != task.approved_terms
    if lapsed:
        task.status, task.approved_by, task.approved_at = TaskStatus.PENDING_APPROVAL, None, None
    task.save()
    term_changes = changed_terms(before_terms, after_terms)
    field_changes = {
        name: {"before": before[name], "after": _plain_value(getattr(task, name))}
        for name in sorted(before)
        if name not in term_changes and before[name] != _plain_value(getattr(task, name))
    }
    record_event(
        actor=updated_by,
        action="task.update",
        target=task,
        details={
            "fields": sorted({*field_changes, *term_changes}),
            "changes": {**field_changes, **term_changes},
            "approval_lapsed": lapsed,
        },
    )
    return task


@transaction.atomic
def task_submit_for_approval(*, task: Task, submitted_by: User) -> Task:
    """Ad-hoc tasks, and tasks that deviate from their plan item, go to the office with a reason."""
    task = _lock(task)
    if not can_manage_task(submitted_by, task):
        raise PermissionDenied(_("只有牵头部门可以提交审批。"))
    if not task.needs_approval:
        raise ValidationError(_("与计划事项一致的任务无须审批。"))
    if task.status != TaskStatus.DRAFT or approval_holds(task):
        raise ValidationError(_("只有未审批的草稿可以提交审批。"))
    if not task.is_adhoc and not task.deviation_reason.strip():
        raise ValidationError(
            {"deviation_reason": _("任务与计划事项不一致，须说明偏离理由后提交联席办审批。")}
        )
    task.status, task.approved_by, task.approved_at = TaskStatus.PENDING_APPROVAL, None, None
    task.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record_event(
        actor=submitted_by,
        action="task.submit_for_approval",
        target=task,
        details={
            "reason": task.adhoc_reason or task.deviation_reason,
            "terms": task_terms(task),
        },
    )
    return task


@transaction.atomic
def task_approve(*, task: Task, approved_by: User, approve: bool = True, comment: str = "") -> Task:
    """The office approves (or sends back with a comment) an ad-hoc task."""
    require(is_office_admin, approved_by, _("临时任务由联席办审批。"))
    task = _lock(task)
    if task.status != TaskStatus.PENDING_APPROVAL:
        raise ValidationError(_("该任务不在待审批状态。"))
    terms = task_terms(task)
    if approve:
        # The office approves exactly these terms; the draw is announced only while they hold.
        task.status, task.approved_by, task.approved_at, task.approved_terms = (
            TaskStatus.APPROVED,
            approved_by,
            timezone.now(),
            terms,
        )
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("退回须说明原因。")})
        task.status, task.last_return_reason = TaskStatus.DRAFT, comment.strip()
    task.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "approved_terms",
            "last_return_reason",
            "updated_at",
        ]
    )
    record_event(
        actor=approved_by,
        action="task.approve" if approve else "task.approval_return",
        target=task,
        details={"comment": comment.strip(), "terms": terms},
    )
    return task


@transaction.atomic
def task_witness_grant(*, task: Task, user: User, granted_by: User, revoke: bool = False) -> Task:
    """The office names who may be a single-department task's second witness besides the witness
    accounts it creates, e.g. the department head, through a per-object permission on the task."""
    require(is_office_admin, granted_by, _("见证人由联席办指定。"))
    task = _lock(task)
    if not revoke:
        if not user.is_active or user.is_superuser or user.department_id != task.lead_department_id:
            raise ValidationError({"user": _("只能指定牵头部门的在用账户。")})
        assign_perm(WITNESS_TASK, user, task)
    else:
        if task.second_witness_id == user.pk and task.status not in (
            TaskStatus.DRAFT,
            TaskStatus.APPROVED,
            TaskStatus.PENDING_APPROVAL,
        ):
            raise ValidationError(_("该人员已是本次公告的见证人，撤回公告后才能取消指定。"))
        remove_perm(WITNESS_TASK, user, task)
    record_event(
        actor=granted_by,
        action="task.witness_revoke" if revoke else "task.witness_grant",
        target=task,
        details={"user": user.username, "department": task.lead_department.code},
    )
    return task


@transaction.atomic
def task_start(*, task: Task, started_by: User) -> Task:
    """The groups set off: drawn → in progress; every drawn object's inspection opens."""
    task = _lock(task)
    if not can_manage_task(started_by, task):
        raise PermissionDenied(_("只有牵头部门可以开始检查。"))
    if task.status != TaskStatus.DRAWN:
        raise ValidationError(_("只有已抽取的任务可以开始检查。"))
    task.status, task.started_at = TaskStatus.IN_PROGRESS, timezone.now()
    task.save(update_fields=["status", "started_at", "updated_at"])
    record_event(actor=started_by, action="task.start", target=task, details={})
    from tasks.inspections.services.inspections import inspections_open

    inspections_open(task=task, opened_by=started_by)
    return task


def task_check_points(task: Task) -> list[dict[str, Any]]:
    """The task's inspection form: check points of all its matters, where two matters share a
    check point (same text) it is listed, and checked, once (进一次门、查多项事)."""
    merged: dict[str, dict[str, Any]] = {}
    points = (
        CheckPoint.objects.filter(matter__in=task.matters.all())
        .select_related("matter")
        .order_by("matter__code", "position")
    )
    for point in points:
        key = re.sub(r"\s+", "", point.text)
        entry = merged.setdefault(
            key, {"text": point.text, "method": point.get_method_display(), "matters": []}
        )
        entry["matters"].append(point.matter.code)
    return list(merged.values())

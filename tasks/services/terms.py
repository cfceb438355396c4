"""A task's terms: what decides which objects can be drawn and who reviews the draw.

The terms are the scope, the per-class rates (strata), the matters and the participating
departments. A task made from an approved plan item takes them from the item; a task whose terms
differ from its plan item (fewer participants, other rates or scope, a plan matter left out) is
an ad-hoc change and needs the office's approval, like an ad-hoc task. The office approves exact
terms: `Task.approved_terms` is a frozen copy, and a draw is announced only while the task's
terms still equal it.

Pure reads; the services in tasks.services.tasks and tasks.services.draws enforce them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from registries.scopes import clean_scope, describe_scope

TERM_FIELDS = ("scope", "strata", "matters", "participants")
TERM_LABELS = {
    "scope": _("抽查对象范围"),
    "strata": _("分类抽查比例"),
    "matters": _("抽查事项"),
    "participants": _("参与部门"),
}


def task_terms(task: Any) -> dict[str, Any]:
    """The terms as stored on the task (common matters, merged into every task, left out)."""
    return {
        "scope": clean_scope(task.scope),
        "strata": {name: dict(rule) for name, rule in sorted((task.strata or {}).items())},
        "matters": sorted(task.matters.filter(is_common=False).values_list("code", flat=True)),
        "participants": sorted(task.participating_departments.values_list("code", flat=True)),
    }


def plan_item_terms(plan_item: Any) -> dict[str, Any]:
    """The terms a task made from this plan item takes over."""
    return {
        "scope": clean_scope(plan_item.scope),
        "strata": {
            name: {"rate_bp": int(rate)} for name, rate in sorted((plan_item.ratios or {}).items())
        },
        "matters": sorted(plan_item.matters.values_list("code", flat=True)),
        "participants": sorted(
            plan_item.participating_departments.exclude(pk=plan_item.department_id)
            .exclude(kind="office")
            .values_list("code", flat=True)
        ),
    }


def deviating_fields(terms: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Which terms of a task differ from its plan item. A task may check more matters than the
    plan item (the visit covers them too), never fewer."""
    fields = [name for name in ("scope", "strata", "participants") if terms[name] != plan[name]]
    if not set(plan["matters"]) <= set(terms["matters"]):
        fields.append("matters")
    return fields


def terms_deviate(terms: dict[str, Any], plan: dict[str, Any]) -> bool:
    return bool(deviating_fields(terms, plan))


def approval_holds(task: Any) -> bool:
    """The office approved the task and its terms are still exactly the approved ones."""
    return task.approved_at is not None and task.approved_terms == task_terms(task)


def changed_terms(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"before": …, "after": …}} for each term that differs (the audit event's details)."""
    before = before or {}
    return {
        name: {"before": before.get(name), "after": after[name]}
        for name in TERM_FIELDS
        if before.get(name) != after[name]
    }


@dataclass
class TermRow:
    """One line of the side-by-side view the office approves from."""

    label: str
    reference: str
    current: str
    differs: bool


def _describe(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "scope":
        return describe_scope(value) or str(_("不限"))
    if name == "strata":
        parts = []
        for risk_class, rule in sorted(value.items()):
            if "rate_bp" in rule:
                parts.append(f"{risk_class}类 {rule['rate_bp'] / 100:g}%")
            else:
                parts.append(f"{risk_class}类 {rule['count']} {_('户')}")
        return "；".join(parts)
    if name == "participants":
        names = dict(Department.objects.filter(code__in=value).values_list("code", "short_name"))
        return "、".join(names.get(code) or code for code in value) or "—"
    return "、".join(value) or "—"


def terms_side_by_side(
    reference: dict[str, Any] | None, current: dict[str, Any], *, plan: bool
) -> list[TermRow]:
    """Rows of (term, plan item or approved version, this task, whether they differ); against a
    plan item, more matters than planned is no difference."""
    reference = reference or {}
    differing = (
        set(deviating_fields(current, reference))
        if plan and reference
        else {name for name in TERM_FIELDS if reference.get(name) != current[name]}
    )
    return [
        TermRow(
            str(TERM_LABELS[name]),
            _describe(name, reference.get(name)),
            _describe(name, current[name]),
            name in differing,
        )
        for name in TERM_FIELDS
    ]

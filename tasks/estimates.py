"""The live figures beside the task form: what the typed terms would draw, before anything is saved.

Read-only and approximate on purpose: the draw itself re-reads everything at announcement."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.scoping import estimate_scope, format_bp
from registries.drawable import drawable_inspectors
from registries.scopes import ScopeError, clean_scope, describe_scope
from tasks.services.tasks import matters_cap_bp


def task_form_estimate(form, *, task=None) -> dict:
    data = form.cleaned_data
    errors: list[str] = []
    matters = list(data.get("matters") or [])
    plan_item = data.get("plan_item")
    if not matters and plan_item is not None:
        matters = list(plan_item.matters.all())
    if not matters and task is not None:
        matters = list(task.matters.all())
    cap = matters_cap_bp(matters)
    ratios = {}
    for risk_class, name in form.RATE_FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        ratios[risk_class] = int((value * 100).to_integral_value())
        if matters and ratios[risk_class] > cap:
            errors.append(
                _("%(cls)s类比例 %(value)s 超过所选事项的比例上限 %(cap)s。")
                % {"cls": risk_class, "value": format_bp(ratios[risk_class]), "cap": format_bp(cap)}
            )
    estimate, scope = None, {}
    try:
        scope = clean_scope(form.scope_from(task.scope if task is not None else None))
        lead = getattr(form, "lead", None)
        estimate = estimate_scope(scope, ratios, department_id=lead.pk if lead else None)
    except ScopeError as error:
        errors.append(str(error))
    return {
        "estimate": estimate,
        "errors": errors,
        "warnings": [],
        "cap_label": format_bp(cap) if matters else None,
        "is_capped": cap < 10000,
        "scope_text": describe_scope(scope) if estimate is not None else "",
        "people": _people(form, data),
    }


def _people(form, data) -> list[dict]:
    """Per department of the groups: people needed (groups × members) and drawable people who hold
    the required tags over the task's dates (or the next 30 days while no dates are typed)."""
    composition = data.get("group_composition")
    groups = data.get("groups") or 1
    if composition is None:
        participants = list(data.get("participating_departments") or [])
        composition = {form.lead.code: 1 if participants else 2}
        composition.update({d.code: 1 for d in participants})
    composition = {code: n for code, n in composition.items() if n}
    if not composition:
        return []
    start = data.get("start_date") or timezone.localdate()
    end = data.get("end_date") or start + timedelta(days=30)
    if end < start:
        end = start
    rows = drawable_inspectors(
        department_codes=list(composition),
        start=start,
        end=end,
        required_tags=data.get("required_tags") or {},
    )
    available = Counter(row.department_code for row in rows)
    names = {code: name for code, name in _names(form)}
    return [
        {
            "name": names.get(code, code),
            "needed": groups * members,
            "available": available.get(code, 0),
            "short": available.get(code, 0) < groups * members,
        }
        for code, members in composition.items()
    ]


def _names(form):
    for _key, code, department in form.group_departments:
        yield code, (department.display_name if department else _("专家"))

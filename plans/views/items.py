"""A department's plan items: create, read, edit, delete, and the live estimate of a draft item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import services
from plans.choices import SubmissionStatus
from plans.forms import (
    PlanItemForm,
)
from plans.permissions import (
    access_plan_item_for_user,
    access_plan_year_for_user,
    can_draft_items,
    can_manage_plans,
)
from plans.scoping import (
    FULL_RATIO_BP,
    estimate_scope,
    format_bp,
    item_cap_bp,
    peak_season_warnings,
)
from plans.views._common import add_form_errors
from platform_site.web import errors_to_messages
from registries.scopes import ScopeError, clean_scope, describe_scope


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    if not (can_draft_items(request.user) or can_manage_plans(request.user)):
        raise Http404
    form = PlanItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data.get("department") or request.user.department
        assert department is not None  # drafters belong to a department; the office picks one
        try:
            item = services.plan_item_create(
                plan_year=plan_year,
                department=department,
                created_by=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        except PermissionDenied as error:
            errors_to_messages(request, error)
        else:
            messages.success(request, _("已保存计划事项：%(title)s") % {"title": item.title})
            return redirect("plans:item_detail", item_id=item.pk)
    return render(
        request, "plans/item_form.html", {"form": form, "plan_year": plan_year, "item": None}
    )


@login_required
def item_detail(request, item_id: int):
    item = access_plan_item_for_user(request.user, item_id)
    estimate = estimate_scope(item.scope, item.ratios, department_id=item.department_id)
    can_change = False
    try:
        access_plan_item_for_user(request.user, item_id, change=True)
        submission = item.plan_year.submissions.filter(department=item.department).first()
        can_change = item.plan_year.items_editable and (
            can_manage_plans(request.user)
            or submission is None
            or submission.status != SubmissionStatus.SUBMITTED
        )
    except Http404:
        pass
    matters = list(item.matters.all())
    return render(
        request,
        "plans/item_detail.html",
        {
            "item": item,
            "plan_year": item.plan_year,
            "matters": matters,
            "cap_label": format_bp(item_cap_bp(matters)),
            "estimate": estimate,
            "scope_text": describe_scope(item.scope),
            "peak_warnings": peak_season_warnings(
                item.scope, item.window_start_month, item.window_end_month
            ),
            "can_change": can_change,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, item_id: int):
    item = access_plan_item_for_user(request.user, item_id, change=True)
    form = PlanItemForm(request.POST or None, user=request.user, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(item=item, updated_by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_form_errors(form, error)
        except PermissionDenied as error:
            errors_to_messages(request, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("plans:item_detail", item_id=item.pk)
    return render(
        request, "plans/item_form.html", {"form": form, "plan_year": item.plan_year, "item": item}
    )


@login_required
@require_POST
def item_delete(request, item_id: int):
    item = access_plan_item_for_user(request.user, item_id, change=True)
    year = item.plan_year.year
    try:
        withdrawn = services.plan_item_delete(item=item, deleted_by=request.user)
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        return redirect("plans:item_detail", item_id=item.pk)
    messages.success(request, _("已撤销该事项。") if withdrawn else _("已删除该事项。"))
    return redirect("plans:year_detail", year=year)


@login_required
@require_POST
def item_estimate(request, year: int):
    """htmx: live counts for the item form — objects in scope, expected draws per credit class
    (ceil(n·rate) plus the special-list objects), ratio-cap and peak-season warnings."""
    access_plan_year_for_user(request.user, year)
    if not (can_draft_items(request.user) or can_manage_plans(request.user)):
        raise Http404
    form = PlanItemForm(request.POST, user=request.user)
    form.is_valid()
    errors, warnings = [], []
    matters = list(form.cleaned_data.get("matters") or [])
    cap = item_cap_bp(matters)
    ratios = form.ratios_bp()
    for risk_class, value in ratios.items():
        if value > cap:
            errors.append(
                _("%(cls)s类比例 %(value)s 超过事项比例上限 %(cap)s。")
                % {"cls": risk_class, "value": format_bp(value), "cap": format_bp(cap)}
            )
    estimate = None
    try:
        scope = clean_scope(form.scope_spec())
        department = form.cleaned_data.get("department")
        estimate = estimate_scope(
            scope,
            ratios,
            department_id=department.pk if department else request.user.department_id,
        )
    except ScopeError as error:
        errors.append(str(error))
        scope = {}
    start, end = (
        form.cleaned_data.get("window_start_month"),
        form.cleaned_data.get("window_end_month"),
    )
    if start and end:
        if end < start:
            errors.append(_("结束月份不能早于开始月份。"))
        else:
            warnings += [warning.message for warning in peak_season_warnings(scope, start, end)]
    return render(
        request,
        "plans/_estimate.html",
        {
            "estimate": estimate,
            "errors": errors,
            "warnings": warnings,
            "cap_label": format_bp(cap) if matters else None,
            "is_capped": cap < FULL_RATIO_BP,
            "scope_text": describe_scope(scope) if estimate is not None else "",
        },
    )

"""Server-rendered pages of the annual plan: thin — parse, access, call one service, render."""

from __future__ import annotations

import csv
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Department
from plans import services
from plans.choices import PlanYearStatus, SubmissionStatus
from plans.documents import render_version_pdf, render_version_xlsx, version_filename
from plans.filters import PlanItemFilter
from plans.forms import (
    CommentForm,
    MergeProposalForm,
    PeakSeasonForm,
    PlanItemForm,
    PlanYearOpenForm,
    ReasonForm,
)
from plans.indicators import compute_indicators, included_items
from plans.models import PlanItem
from plans.permissions import (
    access_merge_proposal_for_user,
    access_peak_season_for_user,
    access_plan_item_for_user,
    access_plan_year_for_user,
    access_public_version,
    access_submission_for_user,
    access_version_for_user,
    can_draft_items,
    can_manage_plans,
    can_submit_department,
)
from plans.scoping import (
    FULL_RATIO_BP,
    estimate_scope,
    format_bp,
    item_cap_bp,
    peak_season_warnings,
)
from plans.selectors import (
    merge_proposal_list,
    peak_season_list,
    plan_item_list_visible_to,
    plan_year_list,
    public_plan_years,
    public_version_history,
    submission_list_visible_to,
    version_list_visible_to,
)
from plans.services.years import draft_version
from platform_site.exports import Echo, safe_cell
from registries.scopes import ScopeError, clean_scope, describe_scope


def office_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_plans(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _report(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("无权执行此操作。"))


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            if field.startswith("window"):
                target = "window_start_month" if "window_start_month" in form.fields else None
            form.add_error(target, errors)
    else:
        form.add_error(None, error.messages)


# --- plan years ------------------------------------------------------------------------------


@login_required
def year_list(request):
    years = list(plan_year_list())
    own = {}
    if request.user.department_id:
        own = {
            submission.plan_year_id: submission
            for submission in request.user.department.plan_submissions.filter(plan_year__in=years)
        }
    rows = [(plan_year, own.get(plan_year.pk)) for plan_year in years]
    return render(
        request,
        "plans/year_list.html",
        {"rows": rows, "can_manage": can_manage_plans(request.user)},
    )


@office_only
@require_http_methods(["GET", "POST"])
def year_open(request):
    form = PlanYearOpenForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan_year = services.plan_year_open(opened_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("已发起 %(year)s 年度抽查计划，并通知各部门联络员。") % {"year": plan_year.year},
            )
            return redirect("plans:year_detail", year=plan_year.year)
    return render(request, "plans/year_open.html", {"form": form})


def _item_export(items, year: int, fmt: str) -> HttpResponse:
    header = [
        "id",
        "牵头部门",
        "任务名称",
        "抽查事项",
        "配合部门",
        "定向",
        "抽查对象范围",
        "A",
        "B",
        "C",
        "D",
        "计划时间",
        "状态",
        "备注",
    ]

    def row(item: PlanItem) -> list:
        return [
            safe_cell(value)
            for value in (
                item.pk,
                item.department.display_name,
                item.title,
                "；".join(f"{matter.code} {matter.name}" for matter in item.matters.all()),
                "、".join(
                    department.display_name for department in item.participating_departments.all()
                ),
                "定向" if item.directed else "不定向",
                describe_scope(item.scope),
                *(format_bp(item.ratios.get(risk_class)) for risk_class in "ABCD"),
                item.window_label,
                item.get_status_display(),
                item.notes,
            )
        ]

    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("计划事项")
        sheet.append(header)
        for item in items:
            sheet.append(row(item))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="plan-items-{year}.xlsx"'
        return response
    writer = csv.writer(Echo())

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for item in items:
            yield writer.writerow(row(item))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-items-{year}.csv"'
    return response


@login_required
def year_detail(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    user = request.user
    item_filter = PlanItemFilter(
        request.GET or None, queryset=plan_item_list_visible_to(user, plan_year)
    )
    items = item_filter.qs
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _item_export(items, plan_year.year, fmt)
    submissions = list(submission_list_visible_to(user, plan_year))
    own_submission = next((s for s in submissions if s.department_id == user.department_id), None)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "plans/year_detail.html",
        {
            "plan_year": plan_year,
            "filter": item_filter,
            "items": items,
            "submissions": submissions,
            "own_submission": own_submission,
            "can_manage": can_manage_plans(user),
            "can_draft": can_draft_items(user)
            and plan_year.items_editable
            and (own_submission is None or own_submission.status != SubmissionStatus.SUBMITTED),
            "can_submit": can_submit_department(user)
            and plan_year.items_editable
            and own_submission is not None
            and own_submission.status != SubmissionStatus.SUBMITTED,
            "versions": version_list_visible_to(user, plan_year),
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


# --- items -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    if not (can_draft_items(request.user) or can_manage_plans(request.user)):
        raise Http404
    form = PlanItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data.get("department") or request.user.department
        try:
            item = services.plan_item_create(
                plan_year=plan_year,
                department=department,
                created_by=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied as error:
            _report(request, error)
        else:
            messages.success(request, _("已保存计划事项：%(title)s") % {"title": item.title})
            return redirect("plans:item_detail", item_id=item.pk)
    return render(
        request, "plans/item_form.html", {"form": form, "plan_year": plan_year, "item": None}
    )


@login_required
def item_detail(request, item_id: int):
    item = access_plan_item_for_user(request.user, item_id)
    estimate = estimate_scope(item.scope, item.ratios)
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
            _form_errors(form, error)
        except PermissionDenied as error:
            _report(request, error)
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
        _report(request, error)
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
        estimate = estimate_scope(scope, ratios)
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


# --- submissions -----------------------------------------------------------------------------


@login_required
@require_POST
def department_submit(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    if not can_submit_department(request.user):
        raise Http404
    try:
        submission = services.plan_department_submit(
            plan_year=plan_year, department=request.user.department, submitted_by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        if submission.is_late:
            messages.warning(
                request,
                _("已报送，本部门计划事项已锁定。报送时间晚于截止日期，已标记为“逾期提交”。"),
            )
        else:
            messages.success(request, _("已报送，本部门计划事项已锁定。"))
    return redirect("plans:year_detail", year=year)


@login_required
def submission_detail(request, year: int, department_id: int):
    plan_year = access_plan_year_for_user(request.user, year)
    submission = access_submission_for_user(request.user, plan_year, department_id)
    return render(
        request,
        "plans/submission_detail.html",
        {
            "plan_year": plan_year,
            "submission": submission,
            "events": submission.events.select_related("actor"),
            "items": plan_item_list_visible_to(request.user, plan_year).filter(
                department_id=department_id
            ),
            "return_form": ReasonForm(),
            "can_return": can_manage_plans(request.user)
            and submission.status == SubmissionStatus.SUBMITTED,
        },
    )


@office_only
@require_POST
def department_return(request, year: int, department_id: int):
    plan_year = access_plan_year_for_user(request.user, year)
    department = get_object_or_404(Department, pk=department_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写退回原因。"))
    else:
        try:
            services.plan_department_return(
                plan_year=plan_year,
                department=department,
                returned_by=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("已退回 %(name)s 的报送。") % {"name": department.display_name}
            )
        except (ValidationError, PermissionDenied) as error:
            _report(request, error)
    return redirect("plans:submission_detail", year=year, department_id=department_id)


# --- compilation, merges, approval -----------------------------------------------------------


@office_only
def compilation(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    items = list(included_items(plan_year))
    indicators = compute_indicators(plan_year, items).as_dict()
    version = draft_version(plan_year)
    return render(
        request,
        "plans/compilation.html",
        {
            "plan_year": plan_year,
            "items": items,
            "indicators": indicators,
            "proposals": merge_proposal_list(plan_year),
            "submissions": submission_list_visible_to(request.user, plan_year),
            "draft": version,
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "Status": PlanYearStatus,
        },
    )


def _office_action(request, year: int, action, success: str, **extra):
    plan_year = access_plan_year_for_user(request.user, year)
    try:
        action(plan_year=plan_year, **extra)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, success)
    return redirect("plans:compilation", year=year)


@office_only
@require_POST
def year_compile(request, year: int):
    return _office_action(
        request,
        year,
        services.plan_compile,
        _("已开始汇编，并生成合并建议。"),
        compiled_by=request.user,
    )


@office_only
@require_POST
def propose_merges(request, year: int):
    return _office_action(
        request,
        year,
        services.plan_propose_merges,
        _("已重新生成合并建议。"),
        proposed_by=request.user,
    )


@office_only
@require_POST
def year_submit_for_approval(request, year: int):
    return _office_action(
        request,
        year,
        services.plan_submit_for_approval,
        _("已提交审批。"),
        submitted_by=request.user,
    )


@office_only
@require_POST
def year_approve(request, year: int):
    form = CommentForm(request.POST)
    form.is_valid()
    return _office_action(
        request,
        year,
        services.plan_approve,
        _("计划已批准，版本已冻结。"),
        approved_by=request.user,
        comment=form.cleaned_data.get("comment", ""),
    )


@office_only
@require_POST
def year_return(request, year: int):
    form = CommentForm(request.POST)
    form.is_valid()
    return _office_action(
        request,
        year,
        services.plan_return,
        _("计划已退回修改。"),
        returned_by=request.user,
        comment=form.cleaned_data.get("comment", ""),
    )


@office_only
@require_POST
def year_publish(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    try:
        services.plan_publish(plan_year=plan_year, published_by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
        return redirect("plans:compilation", year=year)
    messages.success(request, _("计划已在公开网站公布。"))
    return redirect("plans:public_detail", year=year)


@office_only
@require_http_methods(["GET", "POST"])
def year_adjust(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_adjust_start(
                plan_year=plan_year, reason=form.cleaned_data["reason"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            _report(request, error)
        else:
            messages.success(
                request, _("已开始调整，新版本 v%(n)s 待审批。") % {"n": version.number}
            )
            return redirect("plans:compilation", year=year)
    return render(request, "plans/year_adjust.html", {"plan_year": plan_year, "form": form})


@office_only
@require_http_methods(["GET", "POST"])
def merge_edit(request, proposal_id: int):
    proposal = access_merge_proposal_for_user(request.user, proposal_id)
    initial = {
        "lead_department": proposal.lead_department,
        "window_start_month": proposal.window_start_month,
        "window_end_month": proposal.window_end_month,
        "items": list(proposal.items.all()),
    }
    queryset = included_items(proposal.plan_year).order_by("department__code", "pk")
    form = MergeProposalForm(request.POST or None, initial=initial, item_queryset=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_proposal_update(
                proposal=proposal, updated_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已修改合并方案。"))
            return redirect("plans:compilation", year=proposal.plan_year.year)
    return render(request, "plans/merge_form.html", {"form": form, "proposal": proposal})


@office_only
@require_POST
def merge_accept(request, proposal_id: int):
    proposal = access_merge_proposal_for_user(request.user, proposal_id)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.merge_proposal_accept(
            proposal=proposal,
            accepted_by=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
        messages.success(request, _("已采纳合并方案。"))
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    return redirect("plans:compilation", year=proposal.plan_year.year)


@office_only
@require_POST
def merge_reject(request, proposal_id: int):
    proposal = access_merge_proposal_for_user(request.user, proposal_id)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.merge_proposal_reject(
            proposal=proposal,
            rejected_by=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
        messages.success(request, _("已不采纳该合并方案。"))
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    return redirect("plans:compilation", year=proposal.plan_year.year)


# --- versions and documents ------------------------------------------------------------------


def _pdf_response(version, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(render_version_pdf(version), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{version_filename(version, "pdf")}"'
    )
    return response


def _xlsx_response(version) -> HttpResponse:
    response = HttpResponse(
        render_version_xlsx(version),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{version_filename(version, "xlsx")}"'
    return response


@login_required
def version_detail(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    return render(
        request,
        "plans/version_detail.html",
        {"plan_year": plan_year, "version": version, "snapshot": version.snapshot or {}},
    )


@login_required
def version_pdf(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    if not version.approved_at:
        raise Http404
    return _pdf_response(version)


@login_required
def version_xlsx(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    if not version.approved_at:
        raise Http404
    return _xlsx_response(version)


# --- public site (no login) ------------------------------------------------------------------


def public_list(request):
    return render(request, "plans/public_list.html", {"plan_years": public_plan_years()})


def public_detail(request, year: int, number: int | None = None):
    version = access_public_version(year, number)
    plan_year = version.plan_year
    return render(
        request,
        "plans/public_detail.html",
        {
            "plan_year": plan_year,
            "version": version,
            "snapshot": version.snapshot or {},
            "history": public_version_history(plan_year),
            "is_current": version.pk == plan_year.current_version_id,
        },
    )


def public_pdf(request, year: int, number: int | None = None):
    return _pdf_response(access_public_version(year, number))


def public_xlsx(request, year: int, number: int | None = None):
    return _xlsx_response(access_public_version(year, number))


# --- peak seasons ----------------------------------------------------------------------------


@login_required
def peak_season_list_view(request):
    seasons = peak_season_list()
    if request.GET.get("format") == "csv":
        writer = csv.writer(Echo())

        def rows():
            yield "\ufeff" + writer.writerow(["行业代码前缀", "旺季月份", "说明", "启用"])
            for season in seasons:
                yield writer.writerow(
                    [
                        safe_cell(value)
                        for value in (
                            season.industry_prefix,
                            season.months_label,
                            season.note,
                            season.is_active,
                        )
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="peak-seasons.csv"'
        return response
    return render(
        request,
        "plans/peak_season_list.html",
        {"seasons": seasons, "can_manage": can_manage_plans(request.user)},
    )


@office_only
@require_http_methods(["GET", "POST"])
def peak_season_create(request):
    form = PeakSeasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            services.peak_season_create(created_by=request.user, **data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已添加生产经营旺季。"))
            return redirect("plans:peak_season_list")
    return render(request, "plans/peak_season_form.html", {"form": form, "season": None})


@office_only
@require_http_methods(["GET", "POST"])
def peak_season_edit(request, season_id: int):
    season = access_peak_season_for_user(request.user, season_id)
    initial = {
        "industry_prefix": season.industry_prefix,
        "months": season.months,
        "note": season.note,
        "is_active": season.is_active,
    }
    form = PeakSeasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.peak_season_update(season=season, updated_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("plans:peak_season_list")
    return render(request, "plans/peak_season_form.html", {"form": form, "season": season})


@office_only
@require_POST
def peak_season_delete(request, season_id: int):
    season = access_peak_season_for_user(request.user, season_id)
    services.peak_season_delete(season=season, deleted_by=request.user)
    messages.success(request, _("已删除。"))
    return redirect("plans:peak_season_list")

"""The office's compilation: compile, merges, approval, return, publication and adjustment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import services
from plans.choices import PlanYearStatus
from plans.forms import (
    CommentForm,
    MergeProposalForm,
    ReasonForm,
)
from plans.indicators import compute_indicators, included_items
from plans.permissions import (
    access_merge_proposal_for_user,
    access_plan_year_for_user,
)
from plans.selectors import (
    merge_proposal_list,
    submission_list_visible_to,
)
from plans.services.years import draft_version
from plans.views._common import add_form_errors, office_only
from platform_site.web import errors_to_messages, service_to_messages


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
    service_to_messages(request, action, success, plan_year=plan_year, **extra)
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
    if service_to_messages(
        request,
        services.plan_publish,
        _("计划已在公开网站公布。"),
        plan_year=plan_year,
        published_by=request.user,
    ):
        return redirect("plans:public_detail", year=year)
    return redirect("plans:compilation", year=year)


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
            errors_to_messages(request, error)
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
            add_form_errors(form, error)
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
    service_to_messages(
        request,
        services.merge_proposal_accept,
        _("已采纳合并方案。"),
        proposal=proposal,
        accepted_by=request.user,
        comment=form.cleaned_data.get("comment", ""),
    )
    return redirect("plans:compilation", year=proposal.plan_year.year)


@office_only
@require_POST
def merge_reject(request, proposal_id: int):
    proposal = access_merge_proposal_for_user(request.user, proposal_id)
    form = CommentForm(request.POST)
    form.is_valid()
    service_to_messages(
        request,
        services.merge_proposal_reject,
        _("已不采纳该合并方案。"),
        proposal=proposal,
        rejected_by=request.user,
        comment=form.cleaned_data.get("comment", ""),
    )
    return redirect("plans:compilation", year=proposal.plan_year.year)

"""The plan years: the list, opening a year, and a year's page with its items (and their export)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plans import services
from plans.choices import SubmissionStatus
from plans.exports import plan_item_export_response
from plans.filters import PlanItemFilter
from plans.forms import (
    PlanYearOpenForm,
)
from plans.permissions import (
    access_plan_year_for_user,
    can_draft_items,
    can_manage_plans,
    can_submit_department,
)
from plans.selectors import (
    plan_item_list_visible_to,
    plan_year_list,
    submission_list_visible_to,
    version_list_visible_to,
)
from plans.views._common import add_form_errors, office_only


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
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("已发起 %(year)s 年度抽查计划，并通知各部门联络员。") % {"year": plan_year.year},
            )
            return redirect("plans:year_detail", year=plan_year.year)
    return render(request, "plans/year_open.html", {"form": form})


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
        return plan_item_export_response(items, year=plan_year.year, export_format=fmt)
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

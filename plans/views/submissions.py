"""A department's submission of its items, and the office returning it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department
from plans import services
from plans.choices import SubmissionStatus
from plans.forms import (
    ReasonForm,
)
from plans.permissions import (
    access_plan_year_for_user,
    access_submission_for_user,
    can_manage_plans,
    can_submit_department,
)
from plans.selectors import (
    plan_item_list_visible_to,
)
from plans.views._common import office_only
from platform_site.web import errors_to_messages, posted_form_to_service


@login_required
@require_POST
def department_submit(request, year: int):
    plan_year = access_plan_year_for_user(request.user, year)
    if not can_submit_department(request.user):
        raise Http404
    department = request.user.department
    assert department is not None  # can_submit_department: a member department's liaison
    try:
        submission = services.plan_department_submit(
            plan_year=plan_year, department=department, submitted_by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
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
    posted_form_to_service(
        request,
        ReasonForm(request.POST),
        services.plan_department_return,
        _("已退回 %(name)s 的报送。") % {"name": department.display_name},
        invalid=_("请填写退回原因。"),
        plan_year=plan_year,
        department=department,
        returned_by=request.user,
    )
    return redirect("plans:submission_detail", year=year, department_id=department_id)

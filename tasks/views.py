"""Server-rendered pages for joint tasks and draws; thin: access, one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_office_admin, refuse_page_unless
from platform_site.documents import document_response
from platform_site.lists import list_page
from platform_site.web import (
    errors_to_form,
    errors_to_messages,
    form_errors_to_messages,
    posted_form_to_service,
    service_to_messages,
)
from publication.pagecache import live_audit_head, public_page
from tasks import forms
from tasks.choices import DrawState, ReviewRole, ReviewStatus, TaskStatus
from tasks.exports import task_export_response
from tasks.models import Draw, DrawReview, Task, TaskPolicy
from tasks.permissions import (
    access_draw_for_user,
    access_review_for_user,
    access_task_for_user,
    can_be_second_witness,
    can_create_task,
    can_download_full_bundle,
    can_manage_task,
    can_print_task_forms,
    can_review_as_department,
    member_groups,
)
from tasks.selectors import (
    combine_proposals,
    current_draw,
    draw_record_context,
    draw_result_is_public,
    reroll_counts,
    stuck_draw_minutes,
    task_list,
    task_terms_comparison,
    workload_flags,
)
from tasks.services import draws as draw_services
from tasks.services import tasks as task_services
from tasks.services.bundles import announcement_document, bundle_json, draw_bundle
from tasks.services.ceremony import current_members
from tasks.services.policy import task_policy_update
from tasks.services.replacements import replacement_announce
from tasks.services.terms import approval_holds
from tasks.verification import (
    VerificationBusy,
    verification_request_create,
    verify_needs_job,
    verify_now,
)

# --- task list and forms -------------------------------------------------------------------------


@login_required
def task_list_view(request):
    form = forms.TaskFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    tasks = task_list(request.user, **filters).prefetch_related("participating_departments")
    return list_page(
        request,
        rows=tasks,
        template="tasks/task_list.html",
        context={"form": form, "can_create": can_create_task(request.user)},
        per_page=30,
        export=task_export_response,
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request):
    if not can_create_task(request.user):
        raise Http404
    initial = {}
    plan_item_id = request.GET.get("plan_item", "")
    if request.method == "GET" and plan_item_id.isdigit():
        from plans.models import PlanItem

        plan_item = PlanItem.objects.filter(
            pk=plan_item_id, department=request.user.department
        ).first()
        if plan_item is not None:
            initial = forms.TaskForm.initial_for_plan_item(plan_item)
    form = forms.TaskForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_services.task_create(created_by=request.user, **form.service_kwargs())
        except ValidationError as error:
            errors_to_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("任务已创建。"))
            return redirect("tasks:task_detail", task_id=task.pk)
    return render(request, "tasks/task_form.html", {"form": form, "task": None})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit_view(request, task_id: int):
    task = access_task_for_user(request.user, task_id, manage=True)
    form = forms.TaskForm(
        request.POST or None, user=request.user, task=task, initial=forms.TaskForm.initial_for(task)
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs(base_scope=task.scope)
        kwargs.pop("plan_item", None)
        if not task.is_adhoc:
            kwargs.pop("adhoc_reason", None)
        if not kwargs["matters"]:
            kwargs.pop("matters")
        try:
            task_services.task_update(task=task, updated_by=request.user, **kwargs)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            task.refresh_from_db()
            if task.status == TaskStatus.PENDING_APPROVAL:
                messages.warning(
                    request, _("任务要素与联席办批准的版本不一致，已重新提交联席办审批。")
                )
            messages.success(request, _("任务已保存。"))
            return redirect("tasks:task_detail", task_id=task.pk)
    return render(request, "tasks/task_form.html", {"form": form, "task": task})


@login_required
@require_POST
def task_estimate_view(request):
    """htmx: the new-task form's live figures — objects in scope and expected draws per credit
    class (as the plan items have), the matters' ratio cap, and drawable inspectors per
    department against what the groups need."""
    from tasks.estimates import task_form_estimate

    task = None
    task_id = request.GET.get("task", "")
    if task_id.isdigit():
        task = access_task_for_user(request.user, int(task_id), manage=True)
    elif not can_create_task(request.user):
        raise Http404
    form = forms.TaskForm(request.POST, user=request.user, task=task)
    form.is_valid()
    return render(request, "tasks/_estimate.html", task_form_estimate(form, task=task))


# --- task detail and actions ---------------------------------------------------------------------


@login_required
def task_detail_view(request, task_id: int):
    task = access_task_for_user(request.user, task_id)
    user = request.user
    draw = current_draw(task)
    reviews = list(draw.reviews.select_related("department", "decided_by")) if draw else []
    announced_by_id = draw.announced_by_id if draw is not None else None
    my_reviews = [
        r
        for r in reviews
        if r.status == ReviewStatus.PENDING
        and (
            can_be_second_witness(user, task, announced_by_id)
            if r.role == ReviewRole.SECOND_PERSON
            else can_review_as_department(user, r.department_id)
        )
    ]
    context = {
        "task": task,
        "draw": draw,
        "draws": task.draws.order_by("-number"),
        "reviews": reviews,
        "my_reviews": my_reviews,
        "can_manage": can_manage_task(user, task),
        "all_confirmed": draw is not None and draw_services.reviews_complete(draw),
        "check_points": task_services.task_check_points(task),
        "matters": task.matters.order_by("code"),
        "combine": combine_proposals(task),
        "flags": workload_flags(task),
        "members": current_members(draw).order_by("group_id", "-is_leader", "code")
        if draw and draw.state == DrawState.DRAWN
        else [],
        "witness_form": forms.WitnessForm(),
        "reason_form": forms.ReasonForm(),
        "push_form": forms.PushForm(),
        "decision_form": forms.DecisionForm(),
        "replacement_form": forms.ReplacementForm(),
        "witness_grant_form": forms.WitnessGrantForm(task=task) if is_office_admin(user) else None,
        "single_department": not task.participating_departments.exists(),
        "comparison": task_terms_comparison(task),
        "approval_holds": approval_holds(task),
        "can_submit": can_manage_task(user, task)
        and task.status == TaskStatus.DRAFT
        and task.needs_approval
        and not approval_holds(task),
        "needs_withdraw_request": draw is not None
        and draw.state == DrawState.ANNOUNCED
        and draw.log_entries.filter(type="witness").exists(),
        "TaskStatus": TaskStatus,
        "DrawState": DrawState,
        **_printable_forms(user, task, draw),
    }
    context["has_next_step"] = _has_next_step(context, user)
    return render(request, "tasks/task_detail.html", context)


def _has_next_step(context: dict, user) -> bool:
    """Whether the "下一步" panel has anything for this viewer (it is left out otherwise)."""
    task, draw = context["task"], context["draw"]
    managing = context["can_manage"] and task.status in (
        TaskStatus.DRAFT,
        TaskStatus.APPROVED,
        TaskStatus.DRAWN,
    )
    in_review = context["can_manage"] and task.status == TaskStatus.IN_REVIEW and draw is not None
    return bool(
        managing
        or in_review
        or task.status == TaskStatus.PENDING_APPROVAL
        or (draw is not None and draw.withdraw_requested_at and is_office_admin(user))
        or context["my_reviews"]
    )


def _printable_forms(user, task: Task, draw: Draw | None) -> dict:
    """The drawn objects whose forms this user may print: all of them for the task's departments
    and the office, their own group's for a drawn inspector."""
    if draw is None or draw.state != DrawState.DRAWN:
        return {"can_print_all": False, "printable_objects": []}
    can_print_all = can_print_task_forms(user, task)
    objects = draw.drawn_objects.select_related("inspection_object").order_by("group_id", "code")
    if not can_print_all:
        objects = objects.filter(group_id__in=member_groups(user, draw))
    return {"can_print_all": can_print_all, "printable_objects": objects}


def _task_action(request, task_id, function, success, *, manage=True, **kwargs):
    task = access_task_for_user(request.user, task_id, manage=manage)
    service_to_messages(request, function, success, task=task, **kwargs)
    return redirect("tasks:task_detail", task_id=task.pk)


@login_required
@require_POST
def task_submit_view(request, task_id: int):
    return _task_action(
        request,
        task_id,
        task_services.task_submit_for_approval,
        _("已提交联席办审批。"),
        submitted_by=request.user,
    )


@login_required
@require_POST
def task_approve_view(request, task_id: int):
    refuse_page_unless(is_office_admin, request.user)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审批决定。"))
        return redirect("tasks:task_detail", task_id=task_id)
    return _task_action(
        request,
        task_id,
        task_services.task_approve,
        _("审批意见已记录。"),
        manage=False,
        approved_by=request.user,
        approve=form.cleaned_data["approve"],
        comment=form.cleaned_data["comment"],
    )


@login_required
@require_POST
def task_push_view(request, task_id: int):
    form = forms.PushForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("tasks:task_detail", task_id=task_id)
    return _task_action(
        request,
        task_id,
        draw_services.task_push_to_review,
        _("已公告抽取并提交会审。"),
        pushed_by=request.user,
        redraw_reason=form.cleaned_data["redraw_reason"],
        reveal_at=form.cleaned_data["reveal_at"],
    )


@login_required
@require_POST
def task_witness_grant_view(request, task_id: int):
    refuse_page_unless(is_office_admin, request.user)
    task = access_task_for_user(request.user, task_id)
    form = forms.WitnessGrantForm(request.POST, task=task)
    if not form.is_valid():
        messages.error(request, _("请选择人员。"))
        return redirect("tasks:task_detail", task_id=task.pk)
    return _task_action(
        request,
        task_id,
        task_services.task_witness_grant,
        _("已指定见证人。牵头部门可在公告前将其选为第二见证人。"),
        manage=False,
        user=form.cleaned_data["user"],
        granted_by=request.user,
    )


@login_required
@require_POST
def task_start_view(request, task_id: int):
    return _task_action(
        request, task_id, task_services.task_start, _("任务已开始检查。"), started_by=request.user
    )


def _review_for(request, review_id: int) -> DrawReview:
    return access_review_for_user(request.user, review_id)


@login_required
@require_POST
def review_confirm_view(request, review_id: int):
    review = _review_for(request, review_id)
    posted_form_to_service(
        request,
        forms.WitnessForm(request.POST),
        draw_services.review_confirm,
        _("已确认会审，见证值已记录（揭示前不公开）。"),
        invalid=_("请填写见证值。"),
        review=review,
        confirmed_by=request.user,
    )
    return redirect("tasks:task_detail", task_id=review.draw.task_id)


@login_required
@require_POST
def review_return_view(request, review_id: int):
    review = _review_for(request, review_id)
    posted_form_to_service(
        request,
        forms.ReasonForm(request.POST),
        draw_services.review_return,
        _("已退回，公告已撤回。"),
        invalid=_("退回须说明原因。"),
        review=review,
        returned_by=request.user,
    )
    return redirect("tasks:task_detail", task_id=review.draw.task_id)


def _draw_action(request, draw_id, function, success, form_class=None, **kwargs):
    draw = access_draw_for_user(request.user, draw_id)
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写必填项。"))
            return redirect("tasks:draw_detail", draw_id=draw.pk)
        kwargs.update(form.cleaned_data)
    try:
        result = function(draw=draw, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        return redirect("tasks:draw_detail", draw_id=draw.pk)
    messages.success(request, success)
    target = result if isinstance(result, Draw) else draw
    return redirect("tasks:draw_detail", draw_id=target.pk)


@login_required
@require_POST
def draw_reveal_view(request, draw_id: int):
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_reveal,
        _("已揭示秘密值，抽取已提交执行。"),
        revealed_by=request.user,
    )


@login_required
@require_POST
def draw_withdraw_view(request, draw_id: int):
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_withdraw,
        _("公告已撤回。"),
        forms.ReasonForm,
        withdrawn_by=request.user,
    )


@login_required
@require_POST
def draw_withdraw_request_view(request, draw_id: int):
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_withdraw_request,
        _("已申请撤回公告，等待联席办审批。"),
        forms.ReasonForm,
        requested_by=request.user,
    )


@login_required
@require_POST
def draw_withdraw_decide_view(request, draw_id: int):
    refuse_page_unless(is_office_admin, request.user)
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_withdraw_decide,
        _("撤回审批已记录。"),
        forms.DecisionForm,
        decided_by=request.user,
    )


@login_required
@require_POST
def draw_void_request_view(request, draw_id: int):
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_void_request,
        _("已申请作废，等待联席办审批。"),
        forms.ReasonForm,
        requested_by=request.user,
    )


@login_required
@require_POST
def draw_void_decide_view(request, draw_id: int):
    refuse_page_unless(is_office_admin, request.user)
    return _draw_action(
        request,
        draw_id,
        draw_services.draw_void_decide,
        _("作废审批已记录。"),
        forms.DecisionForm,
        decided_by=request.user,
    )


@login_required
@require_POST
def draw_replacement_view(request, draw_id: int):
    return _draw_action(
        request,
        draw_id,
        replacement_announce,
        _("替补抽取已公告，待会审确认后揭示。"),
        forms.ReplacementForm,
        announced_by=request.user,
    )


# --- draw record ---------------------------------------------------------------------------------


@login_required
def draw_detail_view(request, draw_id: int):
    draw = access_draw_for_user(request.user, draw_id)
    context = draw_record_context(draw, public=False, user=request.user)
    context.update(
        can_manage=can_manage_task(request.user, draw.task),
        can_full_bundle=can_download_full_bundle(request.user),
        all_confirmed=draw_services.reviews_complete(draw),
        has_witness_entry=draw.log_entries.filter(type="witness").exists(),
        stuck_minutes=stuck_draw_minutes(),
        reason_form=forms.ReasonForm(),
        decision_form=forms.DecisionForm(),
        replacement_form=forms.ReplacementForm(),
        DrawState=DrawState,
    )
    return render(request, "tasks/draw_detail.html", context)


def _json_response(payload, filename: str) -> HttpResponse:
    response = HttpResponse(
        bundle_json(payload).encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bundle_response(draw: Draw, *, public: bool) -> HttpResponse:
    if not draw.has_bundle:
        raise Http404
    suffix = "public-bundle" if public else "bundle"
    return _json_response(
        draw_bundle(draw, public=public), f"{draw.protocol_task_id}-{draw.number}.{suffix}.json"
    )


@login_required
def draw_bundle_view(request, draw_id: int):
    """The full bundle for the office and auditors; everyone else (and `?form=public`) gets the
    public bundle."""
    draw = access_draw_for_user(request.user, draw_id)
    public = request.GET.get("form") == "public" or not can_download_full_bundle(request.user)
    return _bundle_response(draw, public=public)


@login_required
def draw_pdf_view(request, draw_id: int):
    return document_response(request, "tasks.draw_record", {"draw": draw_id})


@login_required
def notice_pdf_view(request, drawn_object_id: int):
    return document_response(request, "tasks.inspection_notice", {"drawn_object": drawn_object_id})


@login_required
def notices_pdf_view(request, task_id: int):
    return document_response(request, "tasks.inspection_notices", {"task": task_id})


@login_required
def onsite_record_pdf_view(request, drawn_object_id: int):
    return document_response(
        request,
        "tasks.onsite_record",
        {"drawn_object": drawn_object_id, "matter": request.GET.get("matter")},
    )


@login_required
def rectification_pdf_view(request, drawn_object_id: int):
    return document_response(
        request, "tasks.rectification_notice", {"drawn_object": drawn_object_id}
    )


# --- public pages --------------------------------------------------------------------------------


def _public_task(code: str) -> Task:
    """A task is public from its first announcement on."""
    task = Task.objects.select_related("lead_department").filter(code=code).first()
    if task is None or not task.draws.exists():
        raise Http404
    return task


@public_page
def public_task_view(request, code: str):
    """The public announcement (from the moment it is made) and, once its drawn list is
    published, the drawn list and the bundle with a short "how to verify". Cached for anonymous
    visitors; publication.site.receivers makes it stale when a draw or a publication changes."""
    task = _public_task(code)
    head_hash, head_seq = live_audit_head(request)
    draws: list[dict[str, Any]] = []
    for draw in task.draws.order_by("number"):
        if draw.result and not draw_result_is_public(draw):
            draws.append({"draw": draw, "awaiting_publication": True})
            continue
        context = draw_record_context(draw, public=True)
        draws.append(context | {"audit_head": head_hash, "audit_seq": head_seq})
    # The draw that stands (and its replacements) first; withdrawn, failed and voided ones
    # stay public but folded away beneath it, newest first.
    set_aside = {DrawState.WITHDRAWN, DrawState.FAILED, DrawState.VOIDED}
    return render(
        request,
        "tasks/public_task.html",
        {
            "task": task,
            "draw_contexts": [ctx for ctx in draws if ctx["draw"].state not in set_aside],
            "set_aside_contexts": [
                ctx for ctx in reversed(draws) if ctx["draw"].state in set_aside
            ],
            "matters": task.matters.order_by("code"),
            "reroll_counts": reroll_counts(department_id=task.lead_department_id),
        },
    )


def public_bundle_view(request, code: str, number: int):
    task = _public_task(code)
    draw = get_object_or_404(Draw, task=task, number=number)
    if not draw_result_is_public(draw):
        raise Http404
    return _bundle_response(draw, public=True)


def public_announcement_view(request, code: str, number: int):
    """The announcement as published before the draw: archive it, and verify the bundle later
    with `--announcement`."""
    task = _public_task(code)
    draw = get_object_or_404(Draw, task=task, number=number)
    return _json_response(
        announcement_document(draw),
        f"{draw.protocol_task_id}-{draw.number}.announcement.json",
    )


@require_http_methods(["GET", "POST"])
def verify_view(request):
    """Anyone verifies a bundle; a large one is verified by a job, with a result page."""
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("bundle_file")
        raw = upload.read() if upload else form.cleaned_data["bundle_text"].encode("utf-8")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = "\x00"
        anchors = {
            "announcement_text": form.cleaned_data["announcement_text"],
            "head": form.cleaned_data["head"].strip(),
        }
        if verify_needs_job(text):
            try:
                verification = verification_request_create(text=text, **anchors)
            except VerificationBusy as error:
                messages.error(request, str(error))
            else:
                return redirect("tasks:verify_result", token=verification.token)
        else:
            report = verify_now(text, **anchors)
    return render(
        request,
        "tasks/verify.html",
        {"form": form, "report": report, "limit": settings.VERIFY_MAX_ATTEMPTS},
    )


def verify_result_view(request, token):
    """The result page of a verification job; it refreshes itself (htmx) until the job is done."""
    from tasks.models import VerificationRequest

    verification = get_object_or_404(VerificationRequest.objects.defer("bundle"), token=token)
    template = (
        "tasks/_verify_status.html"
        if request.headers.get("HX-Request")
        else "tasks/verify_result.html"
    )
    return render(request, template, {"verification": verification, "report": verification.report})


# --- the office's task rules -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def policy_view(request):
    refuse_page_unless(is_office_admin, request.user)
    policy = TaskPolicy.current()
    form = forms.TaskPolicyForm(request.POST or None, instance=TaskPolicy.current())
    if request.method == "POST" and form.is_valid():
        try:
            task_policy_update(
                updated_by=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("抽查任务规则已保存。"))
            return redirect("tasks:policy")
    return render(request, "tasks/policy.html", {"form": form, "policy": policy})

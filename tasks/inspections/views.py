"""Server-rendered pages of the inspection work; thin: access, one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Department
from platform_site.documents import document_response
from platform_site.web import (
    denial_or_errors_to_form,
    errors_to_messages,
    form_errors_to_messages,
    posted_form_to_service,
    service_to_messages,
)
from publication.deadlines.selectors import deadline_for_subject
from publication.models import DeadlineKind
from registries.permissions import objects_visible_to
from tasks.choices import DrawState, TaskStatus
from tasks.inspections import forms
from tasks.inspections import selectors as s
from tasks.inspections.choices import (
    EDITABLE_RESULT_STATUSES,
    FINAL_RESULT_STATUSES,
    ConsentStatus,
    MeasureKind,
    MeasureStatus,
    RecordStatus,
    ResultStatus,
)
from tasks.inspections.models import CommissionedCheck, Inspection
from tasks.inspections.permissions import (
    access_attachment_for_user,
    access_combined_visit_for_user,
    access_inspection_for_user,
    access_measure_for_user,
    access_record_for_user,
    can_acknowledge_measure,
    can_add_measure,
    can_arrange_inspection,
    can_enter_record,
    can_handle_measure,
    can_publish_result,
    can_review_result,
    can_view_record_content,
    can_view_result_content,
    does_the_work,
    is_group_leader,
    is_group_member,
)
from tasks.inspections.services import attachments as attachment_services
from tasks.inspections.services import combined as combined_services
from tasks.inspections.services import followups as followup_services
from tasks.inspections.services import inspections as inspection_services
from tasks.inspections.services import records as record_services
from tasks.inspections.services import results as result_services
from tasks.permissions import access_task_for_user, can_manage_task

# --- home ----------------------------------------------------------------------------------------


@login_required
def inspection_home_view(request):
    user = request.user
    form = forms.InspectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    inspections = s.inspection_list(
        user,
        status=filters.get("status") or "",
        overdue=bool(filters.get("overdue")),
        q=filters.get("q") or "",
    )
    page = Paginator(inspections, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    works = does_the_work(user)
    context = {
        "groups": s.groups_for_user(user),
        "inspector": s.inspector_for_user(user),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "awaiting_review": list(s.results_awaiting_review(user)[:20]),
        "to_enter": s.leader_results_to_enter(user).count(),
        "overdue_count": s.overdue_results(user).count(),
        "measures_open": s.measure_list(user).count() if works else 0,
        "measures_overdue": s.measure_list(user, s.MeasureFilters(overdue=True)).count()
        if works
        else 0,
        "to_acknowledge": list(s.notifications_to_acknowledge(user)[:20]),
        "pending_visits": list(s.pending_combined_visits(user)[:20]),
        "today": timezone.localdate(),
        "EDITABLE": EDITABLE_RESULT_STATUSES,
    }
    return render(request, "tasks/inspections/home.html", context)


# --- group ---------------------------------------------------------------------------------------


def _group(request, task_id: int, group_id: str):
    task = access_task_for_user(request.user, task_id)
    members = s.group_members(task, group_id)
    if not members:
        raise Http404
    names = {
        code: short or name
        for code, short, name in Department.objects.values_list("code", "short_name", "name")
    }
    for member in members:
        # for the template only: the member's department by the name people know it by
        member.department_name = names.get(member.department_code) or member.department_code  # type: ignore[attr-defined]
    return task, members


def _can_arrange_group(user, task, members) -> bool:
    return can_manage_task(user, task) or any(
        member.is_leader and member.inspector and member.inspector.user_id == user.pk
        for member in members
    )


@login_required
def group_detail_view(request, task_id: int, group_id: str):
    task, members = _group(request, task_id, group_id)
    started = task.status in (TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED)
    inspections = list(s.group_inspections(task, group_id)) if started else []
    drawn = [] if started else list(s.group_drawn_objects(task, group_id))
    object_ids = [i.inspection_object_id for i in inspections] or [
        d.inspection_object_id for d in drawn
    ]
    others = s.other_visits(task, object_ids)
    can_arrange = started and _can_arrange_group(request.user, task, members)
    schedulable = [
        i
        for i in inspections
        if i.result.status in EDITABLE_RESULT_STATUSES and i.combined_visit_id is None
    ]
    schedule_form = forms.ScheduleForm(inspections=schedulable)
    rows = [
        {
            "inspection": inspection,
            "field": schedule_form[f"date_{inspection.pk}"]
            if can_arrange and inspection in schedulable
            else None,
            "others": others.get(inspection.inspection_object_id, []),
        }
        for inspection in inspections
    ]
    drawn_rows = [
        {"drawn": row, "others": others.get(row.inspection_object_id, [])} for row in drawn
    ]
    context = {
        "task": task,
        "group_id": group_id,
        "members": members,
        "rows": rows,
        "drawn_rows": drawn_rows,
        "started": started,
        "can_arrange": can_arrange and bool(schedulable),
        "today": timezone.localdate(),
        "EDITABLE": EDITABLE_RESULT_STATUSES,
    }
    return render(request, "tasks/inspections/group_detail.html", context)


@login_required
@require_POST
def group_schedule_view(request, task_id: int, group_id: str):
    task, _members = _group(request, task_id, group_id)
    inspections = [
        i
        for i in s.group_inspections(task, group_id)
        if i.result.status in EDITABLE_RESULT_STATUSES and i.combined_visit_id is None
    ]
    form = forms.ScheduleForm(request.POST, inspections=inspections)
    if not form.is_valid():
        messages.error(request, _("日期格式不正确。"))
    else:
        try:
            changed = inspection_services.group_schedule(
                task=task, group_id=group_id, dates=form.dates(), scheduled_by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            errors_to_messages(request, error)
        else:
            messages.success(request, _("已保存 %(n)d 个检查日期。") % {"n": changed})
    return redirect("inspections:group_detail", task_id=task.pk, group_id=group_id)


# --- inspection and result -----------------------------------------------------------------------


def _departments_of(inspection: Inspection) -> list[Department]:
    ids = {
        inspection.task.lead_department_id,
        *inspection.records.values_list("department_id", flat=True),
    }
    return list(Department.objects.filter(pk__in=ids).order_by("code"))


@login_required
def inspection_detail_view(request, inspection_id: int):
    user = request.user
    inspection = access_inspection_for_user(user, inspection_id)
    result = inspection.result
    standing = inspection.drawn_object.draw.state == DrawState.DRAWN
    editable = standing and result.status in EDITABLE_RESULT_STATUSES
    leader = is_group_leader(user, inspection)
    records = []
    for record in s.inspection_records(inspection):
        record.inspection = inspection
        records.append(
            {
                "record": record,
                "visible": can_view_record_content(user, record),
                "enter": editable and can_enter_record(user, record),
            }
        )
    show_result = can_view_result_content(user, inspection)
    departments = _departments_of(inspection)
    measure_departments = [d for d in departments if can_add_measure(user, result, d.pk)]
    may_add_measure = bool(measure_departments) and result.status != ResultStatus.SUBMITTED
    others = s.other_visits(inspection.task, [inspection.inspection_object_id]).get(
        inspection.inspection_object_id, []
    )
    open_part = s.open_combined_parts([inspection.pk]).get(inspection.pk)
    visit = open_part.visit if open_part else None
    visit_parts = s.combined_visit_parts(visit) if visit else []
    context = {
        "inspection": inspection,
        "task": inspection.task,
        "result": result,
        "entry_deadline": deadline_for_subject(DeadlineKind.RESULT_ENTRY, inspection),
        "standing": standing,
        "editable": editable,
        "records": records,
        "show_result": show_result,
        "is_leader": leader,
        "is_member": is_group_member(user, inspection),
        "can_review": result.status == ResultStatus.SUBMITTED and can_review_result(user, result),
        "can_publish": result.status == ResultStatus.APPROVED and can_publish_result(user, result),
        "can_correct": result.status in FINAL_RESULT_STATUSES
        and standing
        and can_publish_result(user, result),
        "compile_form": forms.CompileForm(result=result) if leader and editable else None,
        "problems": result_services.submission_problems(result) if leader and editable else [],
        "measures": list(
            result.measures.select_related("department", "notified_department").order_by("pk")
        )
        if show_result
        else [],
        "measure_form": forms.MeasureForm(departments=measure_departments)
        if may_add_measure
        else None,
        "versions": list(result.versions.select_related("approved_by").order_by("-number"))
        if show_result
        else [],
        "others": others,
        "visit": visit,
        "visit_parts": visit_parts,
        "my_pending_part": next(
            (
                part
                for part in visit_parts
                if part.status == ConsentStatus.PENDING
                and can_arrange_inspection(user, part.inspection)
            ),
            None,
        ),
        "can_arrange": editable and can_arrange_inspection(user, inspection),
        "combine_form": forms.CombineForm(),
        "reason_form": forms.ReasonForm(),
        "ResultStatus": ResultStatus,
        "today": timezone.localdate(),
        "EDITABLE": EDITABLE_RESULT_STATUSES,
        "object_visible": objects_visible_to(user)
        .filter(pk=inspection.inspection_object_id)
        .exists(),
    }
    return render(request, "tasks/inspections/inspection_detail.html", context)


def _result_action(request, inspection_id, function, success, form_class=None, **kwargs):
    inspection = access_inspection_for_user(request.user, inspection_id)
    kwargs["result"] = inspection.result
    if form_class is None:
        service_to_messages(request, function, success, **kwargs)
    else:
        form = form_class(request.POST)
        posted_form_to_service(
            request, form, function, success, invalid=_("请填写必填项。"), **kwargs
        )
    return redirect("inspections:inspection_detail", inspection_id=inspection.pk)


@login_required
@require_POST
def result_compile_view(request, inspection_id: int):
    inspection = access_inspection_for_user(request.user, inspection_id)
    posted_form_to_service(
        request,
        forms.CompileForm(request.POST, result=inspection.result),
        result_services.result_compile,
        _("检查结果已保存。"),
        result=inspection.result,
        compiled_by=request.user,
    )
    return redirect("inspections:inspection_detail", inspection_id=inspection.pk)


@login_required
@require_POST
def result_submit_view(request, inspection_id: int):
    return _result_action(
        request,
        inspection_id,
        result_services.result_submit,
        _("检查结果已提交审核。"),
        submitted_by=request.user,
    )


@login_required
@require_POST
def result_approve_view(request, inspection_id: int):
    return _result_action(
        request,
        inspection_id,
        result_services.result_approve,
        _("检查结果已审核通过，可以公示。"),
        approved_by=request.user,
    )


@login_required
@require_POST
def result_return_view(request, inspection_id: int):
    return _result_action(
        request,
        inspection_id,
        result_services.result_return,
        _("检查结果已退回检查组。"),
        forms.ReasonForm,
        returned_by=request.user,
    )


@login_required
@require_POST
def result_publish_view(request, inspection_id: int):
    return _result_action(
        request,
        inspection_id,
        result_services.result_publish,
        _("检查结果已公示。"),
        published_by=request.user,
    )


@login_required
@require_POST
def result_correct_view(request, inspection_id: int):
    return _result_action(
        request,
        inspection_id,
        result_services.result_correct,
        _("已发起更正，检查组可重新录入。"),
        forms.ReasonForm,
        corrected_by=request.user,
    )


@login_required
@require_POST
def measure_add_view(request, inspection_id: int):
    inspection = access_inspection_for_user(request.user, inspection_id)
    posted_form_to_service(
        request,
        forms.MeasureForm(request.POST, departments=_departments_of(inspection)),
        followup_services.measure_add,
        _("后续处置措施已登记。"),
        result=inspection.result,
        added_by=request.user,
    )
    return redirect("inspections:inspection_detail", inspection_id=inspection.pk)


# --- combined visits -----------------------------------------------------------------------------


@login_required
@require_POST
def combine_propose_view(request, inspection_id: int):
    inspection = access_inspection_for_user(request.user, inspection_id)
    form = forms.CombineForm(request.POST)
    if form.is_valid():
        other = access_inspection_for_user_or_peer(
            request.user, form.cleaned_data["other"], inspection
        )
        service_to_messages(
            request,
            combined_services.combined_visit_propose,
            _("已向对方牵头部门提议合并检查。"),
            inspection=inspection,
            other=other,
            visit_on=form.cleaned_data["visit_on"],
            note=form.cleaned_data["note"],
            proposed_by=request.user,
        )
    else:
        messages.error(request, _("请选择合并检查日期。"))
    return redirect("inspections:inspection_detail", inspection_id=inspection.pk)


def access_inspection_for_user_or_peer(user, other_id, inspection: Inspection) -> Inspection:
    """The other task's inspection of the same object: the proposer need not take part in the
    other task, but it must be the same object in a standing draw."""
    other = (
        Inspection.objects.select_related("task", "drawn_object__draw")
        .filter(pk=other_id, inspection_object_id=inspection.inspection_object_id)
        .first()
    )
    if other is None or other.drawn_object.draw.state != DrawState.DRAWN:
        raise Http404
    return other


def _visit_redirect(request, visit):
    for part in visit.parts.select_related("inspection__task"):
        try:
            access_inspection_for_user(request.user, part.inspection_id)
        except Http404:
            continue
        if can_arrange_inspection(request.user, part.inspection):
            return redirect("inspections:inspection_detail", inspection_id=part.inspection_id)
    return redirect("inspections:home")


def _visit_action(request, visit_id, function, success, *, with_reason=False, **kwargs):
    visit = access_combined_visit_for_user(request.user, visit_id)
    if with_reason:
        form = forms.ReasonForm(request.POST)
        posted_form_to_service(
            request, form, function, success, invalid=_("请说明理由。"), visit=visit, **kwargs
        )
    else:
        service_to_messages(request, function, success, visit=visit, **kwargs)
    return _visit_redirect(request, visit)


@login_required
@require_POST
def combined_accept_view(request, visit_id: int):
    return _visit_action(
        request,
        visit_id,
        combined_services.combined_visit_accept,
        _("已同意合并检查，双方检查日期已统一。"),
        accepted_by=request.user,
    )


@login_required
@require_POST
def combined_decline_view(request, visit_id: int):
    return _visit_action(
        request,
        visit_id,
        combined_services.combined_visit_decline,
        _("已答复不同意合并检查。"),
        with_reason=True,
        declined_by=request.user,
    )


@login_required
@require_POST
def combined_cancel_view(request, visit_id: int):
    return _visit_action(
        request,
        visit_id,
        combined_services.combined_visit_cancel,
        _("合并检查已撤回。"),
        with_reason=True,
        cancelled_by=request.user,
    )


# --- records -------------------------------------------------------------------------------------


def _record_context(request, record, form=None, **extra):
    inspection = record.inspection
    standing = inspection.drawn_object.draw.state == DrawState.DRAWN
    can_enter = (
        standing
        and inspection.result.status in EDITABLE_RESULT_STATUSES
        and can_enter_record(request.user, record)
    )
    attachments = list(
        record.attachments.select_related("uploaded_by", "commissioned_check").order_by(
            "withdrawn_at", "pk"
        )
    )
    context = {
        "record": record,
        "inspection": inspection,
        "task": inspection.task,
        "can_enter": can_enter,
        "form": form or (forms.RecordForm(record=record) if can_enter else None),
        "answers": list(record.answers.all()),
        "attachments": attachments,
        "checks": list(record.commissioned_checks.prefetch_related("reports")),
        "photo_form": forms.PhotoForm() if can_enter else None,
        "document_form": forms.DocumentForm(record=record) if can_enter else None,
        "commission_form": forms.CommissionForm() if can_enter else None,
        "conclusion_form": forms.ConclusionForm() if can_enter else None,
        "reason_form": forms.ReasonForm(),
        "RecordStatus": RecordStatus,
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def record_view(request, record_id: int):
    record = access_record_for_user(request.user, record_id)
    if request.method == "POST":
        record = access_record_for_user(request.user, record_id, enter=True)
        form = forms.RecordForm(request.POST, record=record)
        if form.is_valid():
            try:
                record = record_services.record_update(
                    record=record, entered_by=request.user, **form.service_kwargs()
                )
                if "complete" in request.POST:
                    record_services.record_complete(record=record, completed_by=request.user)
            except (ValidationError, PermissionDenied) as error:
                denial_or_errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("本部门检查记录已完成。") if "complete" in request.POST else _("已保存。"),
                )
                return redirect("inspections:record", record_id=record.pk)
        return render(
            request, "tasks/inspections/record.html", _record_context(request, record, form)
        )
    return render(request, "tasks/inspections/record.html", _record_context(request, record))


def _upload(request, record, form) -> dict[str, Any]:
    """`attachment_add_to_record`'s arguments for a valid photo or document form."""
    upload = form.cleaned_data["file"]
    check = None
    check_id = form.cleaned_data.get("commissioned_check")
    if check_id:
        check = CommissionedCheck.objects.filter(pk=check_id, record=record).first()
    return {
        "record": record,
        "uploaded_by": request.user,
        "upload": upload,
        "name": upload.name,
        "kind": form.cleaned_data.get("kind", "photo"),
        "caption": form.cleaned_data.get("caption", ""),
        "commissioned_check": check,
    }


@login_required
@require_POST
def record_attachment_view(request, record_id: int):
    record = access_record_for_user(request.user, record_id, enter=True)
    # The camera form has no kind (always a photo); the document form names its kind.
    form: forms.DocumentForm | forms.PhotoForm
    if "kind" in request.POST:
        form = forms.DocumentForm(request.POST, request.FILES, record=record)
    else:
        form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        service_to_messages(
            request,
            attachment_services.attachment_add_to_record,
            _("附件已上传。"),
            **_upload(request, record, form),
        )
    return redirect(reverse("inspections:record", args=[record.pk]) + "#attachments")


@login_required
@require_POST
def record_commission_view(request, record_id: int):
    record = access_record_for_user(request.user, record_id, enter=True)
    posted_form_to_service(
        request,
        forms.CommissionForm(request.POST),
        record_services.commissioned_check_add,
        _("委托检查已登记。"),
        invalid=_("请填写委托类型、受托机构、委托事项和日期。"),
        record=record,
        added_by=request.user,
    )
    return redirect(reverse("inspections:record", args=[record.pk]) + "#commissions")


@login_required
@require_POST
def commission_conclude_view(request, check_id: int):
    check = CommissionedCheck.objects.filter(pk=check_id).first()
    if check is None:
        raise Http404
    record = access_record_for_user(request.user, check.record_id, enter=True)
    posted_form_to_service(
        request,
        forms.ConclusionForm(request.POST),
        record_services.commissioned_check_conclude,
        _("委托检查结论已记录。"),
        invalid=_("请填写结论和日期。"),
        check=check,
        concluded_by=request.user,
    )
    return redirect(reverse("inspections:record", args=[record.pk]) + "#commissions")


# --- attachments ---------------------------------------------------------------------------------


def attachment_response(attachment, *, inline: bool = True) -> FileResponse:
    """The bytes of an attachment that passed its access check, with headers that keep the
    browser from running anything in it or caching it."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    # Images show in the page; a PDF is always downloaded (a browser's PDF viewer would run
    # outside the sandboxing policy below, or refuse to run under it).
    disposition = "inline" if inline and attachment.is_image else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(attachment.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download_view(request, attachment_id: int):
    """The only way an attachment leaves the server (there is no /media/ URL for it)."""
    attachment = access_attachment_for_user(request.user, attachment_id)
    return attachment_response(attachment, inline=not request.GET.get("download"))


@login_required
def record_pdf_view(request, record_id: int):
    """The record as its department entered it, printed (rendered in a job, cached)."""
    return document_response(request, "inspections.onsite_record", {"record": record_id})


@login_required
def rectification_pdf_view(request, measure_id: int):
    return document_response(request, "inspections.rectification_notice", {"measure": measure_id})


@login_required
@require_POST
def attachment_withdraw_view(request, attachment_id: int):
    attachment = access_attachment_for_user(request.user, attachment_id)
    posted_form_to_service(
        request,
        forms.ReasonForm(request.POST),
        attachment_services.attachment_withdraw,
        _("附件已撤回（仍保留在档案中）。"),
        invalid=_("撤回附件须说明原因。"),
        attachment=attachment,
        withdrawn_by=request.user,
    )
    if attachment.record_id:
        return redirect(reverse("inspections:record", args=[attachment.record_id]) + "#attachments")
    return redirect("inspections:measure_detail", measure_id=attachment.measure_id)


# --- follow-up measures --------------------------------------------------------------------------


@login_required
def measure_list_view(request):
    if not does_the_work(request.user):
        raise Http404
    form = forms.MeasureFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    state = data.get("state") or "open"
    filters = s.MeasureFilters(
        scope=data.get("scope") or "mine",
        open_only=state != "all",
        overdue=state == "overdue",
    )
    measures = s.measure_list(request.user, filters)
    page = Paginator(measures, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasks/inspections/measure_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


@login_required
def measure_detail_view(request, measure_id: int):
    user = request.user
    measure = access_measure_for_user(user, measure_id)
    is_open = measure.status == MeasureStatus.OPEN
    handle = is_open and can_handle_measure(user, measure)
    context = {
        "measure": measure,
        "inspection": measure.result.inspection,
        "attachments": list(measure.attachments.select_related("uploaded_by").order_by("pk")),
        "can_handle": handle,
        "can_acknowledge": measure.kind == MeasureKind.NOTIFY
        and measure.acknowledged_at is None
        and can_acknowledge_measure(user, measure),
        "acknowledge_form": forms.AcknowledgeForm(),
        "recheck_form": forms.RecheckForm()
        if handle and measure.kind == MeasureKind.RECTIFY
        else None,
        "close_form": forms.CloseForm() if handle else None,
        "document_form": forms.DocumentForm() if handle else None,
        "reason_form": forms.ReasonForm(),
        "today": timezone.localdate(),
        "MeasureKind": MeasureKind,
    }
    return render(request, "tasks/inspections/measure_detail.html", context)


def _measure_action(request, measure_id, function, success, form_class, **kwargs):
    measure = access_measure_for_user(request.user, measure_id)
    posted_form_to_service(
        request, form_class(request.POST), function, success, measure=measure, **kwargs
    )
    return redirect("inspections:measure_detail", measure_id=measure.pk)


@login_required
@require_POST
def measure_acknowledge_view(request, measure_id: int):
    return _measure_action(
        request,
        measure_id,
        followup_services.measure_acknowledge,
        _("已签收。"),
        forms.AcknowledgeForm,
        acknowledged_by=request.user,
    )


@login_required
@require_POST
def measure_recheck_view(request, measure_id: int):
    return _measure_action(
        request,
        measure_id,
        followup_services.measure_recheck,
        _("复查情况已记录。"),
        forms.RecheckForm,
        rechecked_by=request.user,
    )


@login_required
@require_POST
def measure_close_view(request, measure_id: int):
    return _measure_action(
        request,
        measure_id,
        followup_services.measure_close,
        _("处置措施已办结。"),
        forms.CloseForm,
        closed_by=request.user,
    )


@login_required
@require_POST
def measure_attachment_view(request, measure_id: int):
    measure = access_measure_for_user(request.user, measure_id)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        service_to_messages(
            request,
            attachment_services.attachment_add_to_measure,
            _("材料已上传。"),
            measure=measure,
            uploaded_by=request.user,
            upload=upload,
            name=upload.name,
            kind=form.cleaned_data["kind"],
            caption=form.cleaned_data["caption"],
        )
    else:
        form_errors_to_messages(request, form)
    return redirect("inspections:measure_detail", measure_id=measure.pk)

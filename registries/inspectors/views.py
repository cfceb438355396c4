"""Pages of the inspector registry: inspectors, experts, recusals and the automatic rules.

Thin views: parse the form, fetch through an access function, call one service, render. A
department sees and edits only its own inspectors (404 otherwise); the office sees everything.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Department
from accounts.roles import is_admin, is_office_admin, refuse_page_unless
from platform_site.lists import list_page
from platform_site.web import denial_or_errors_to_form, errors_to_messages, service_to_messages
from registries.choices import InspectorStatus, RecusalStatus
from registries.drawable import ineligibility_reasons
from registries.inspectors import exports, importing, selectors
from registries.inspectors.forms import (
    CertificateForm,
    DecisionForm,
    EligibilityForm,
    ExpertFilterForm,
    ExpertForm,
    ExpertRecusalForm,
    ImportForm,
    InspectorCreateForm,
    InspectorEditForm,
    InspectorFilterForm,
    RecusalDeclareForm,
    RecusalFilterForm,
    RuleForm,
)
from registries.inspectors.services import inspectors as services
from registries.inspectors.services import recusals as recusal_services
from registries.permissions import access_inspector_for_user, can_edit_registry

IMPORT_CACHE_SECONDS = 3600


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _member_only(user) -> None:
    if not (user.is_active and user.department_id):
        raise Http404


# --- inspectors --------------------------------------------------------------------------------


@login_required
def inspector_list(request):
    user = request.user
    _member_only(user)
    departments = selectors.inspector_departments_visible_to(user)
    form = InspectorFilterForm(request.GET or None, departments=departments)
    inspectors = selectors.inspector_list_visible_to(user, form.filters())
    return list_page(
        request,
        rows=inspectors,
        template="registries/inspector_list.html",
        context={
            "form": form,
            "can_edit": can_edit_registry(user),
            "today": timezone.localdate(),
            "expiring_until": timezone.localdate() + timedelta(days=selectors.EXPIRING_WINDOW_DAYS),
        },
        export=lambda rows, export_format: exports.export_response(
            importing.KIND_INSPECTORS, rows.iterator(chunk_size=2000), export_format
        ),
    )


def _editable_departments(user):
    if user.is_office_admin:
        return Department.objects.exclude(kind="office").filter(is_active=True).order_by("code")
    return Department.objects.filter(pk=user.department_id)


@login_required
@require_http_methods(["GET", "POST"])
def inspector_create(request):
    user = request.user
    if not can_edit_registry(user):
        raise Http404
    departments = _editable_departments(user)
    form = InspectorCreateForm(request.POST or None, initial={"department": departments.first()})
    cast(forms.ModelChoiceField, form.fields["department"]).queryset = departments
    form.set_accounts(departments)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            inspector = services.inspector_create(created_by=user, **data)
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("已登记执法检查人员：%(name)s（%(code)s）")
                % {"name": inspector.name, "code": inspector.code},
            )
            return redirect("registries:inspector_detail", inspector_id=inspector.pk)
    return render(
        request, "registries/inspector_form.html", {"form": form, "title": _("登记执法检查人员")}
    )


@login_required
def inspector_detail(request, inspector_id: int):
    inspector = access_inspector_for_user(request.user, inspector_id)
    today = timezone.localdate()
    eligibility = EligibilityForm(request.GET if "start" in request.GET else None)
    start, end = today, today + timedelta(days=30)
    if eligibility.is_bound and eligibility.is_valid():
        start, end = eligibility.cleaned_data["start"], eligibility.cleaned_data["end"]
    elif not eligibility.is_bound:
        eligibility = EligibilityForm(initial={"start": start, "end": end})
    recusals = (
        selectors.recusals_visible_to(request.user)
        .filter(inspector=inspector)
        .order_by("-declared_at")
    )
    return render(
        request,
        "registries/inspector_detail.html",
        {
            "inspector": inspector,
            "can_edit": services.can_edit_inspectors_of(request.user, inspector.department),
            "can_declare": recusal_services.can_declare_recusal(request.user, inspector),
            "eligibility": eligibility,
            "start": start,
            "end": end,
            "reasons": ineligibility_reasons(inspector, start, end),
            "status_history": selectors.inspector_status_history(inspector),
            "history": selectors.inspector_history(inspector)[:50],
            "recusals": recusals,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspector_edit(request, inspector_id: int):
    inspector = access_inspector_for_user(request.user, inspector_id, for_change=True)
    initial = {
        "name": inspector.name,
        "post": inspector.post,
        "tags": list(inspector.tags),
        "region_code": inspector.region_code,
        "grid": inspector.grid,
        "max_load": inspector.max_load,
        "user": inspector.user_id,
        "status": inspector.status,
        "status_since": inspector.status_since,
        "status_until": inspector.status_until,
    }
    form = InspectorEditForm(request.POST or None, initial=initial)
    form.set_accounts([inspector.department])
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if changes["status"] == inspector.status and changes["status"] != InspectorStatus.ON_LEAVE:
            for key in ("status", "status_since", "status_until"):
                changes.pop(key)
        try:
            services.inspector_update(inspector=inspector, updated_by=request.user, **changes)
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registries:inspector_detail", inspector_id=inspector.pk)
    return render(
        request,
        "registries/inspector_form.html",
        {
            "form": form,
            "inspector": inspector,
            "title": _("修改人员信息：%(name)s") % {"name": inspector.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspector_certificate(request, inspector_id: int):
    inspector = access_inspector_for_user(request.user, inspector_id, for_change=True)
    form = CertificateForm(
        request.POST or None,
        initial={
            "certificate_number": inspector.certificate_number,
            "certificate_valid_from": inspector.certificate_valid_from,
            "certificate_valid_until": inspector.certificate_valid_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.inspector_set_certificate(
                inspector=inspector, changed_by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("执法证信息已更新。"))
            return redirect("registries:inspector_detail", inspector_id=inspector.pk)
    return render(
        request,
        "registries/inspector_form.html",
        {
            "form": form,
            "inspector": inspector,
            "title": _("执法证：%(name)s") % {"name": inspector.name},
        },
    )


# --- import ------------------------------------------------------------------------------------


def _import_allowed(user) -> None:
    if not can_edit_registry(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def inspector_import(request):
    user = request.user
    _import_allowed(user)
    if request.GET.get("template") in (importing.KIND_INSPECTORS, importing.KIND_EXPERTS):
        return exports.template_response(request.GET["template"])
    form = ImportForm(request.POST or None, request.FILES or None)
    if not user.is_office_admin:
        cast(forms.ChoiceField, form.fields["kind"]).choices = [
            (importing.KIND_INSPECTORS, _("执法检查人员"))
        ]
    report = token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(importing.MAX_BYTES + 1)
        kind = form.cleaned_data["kind"]
        try:
            report = importing.import_file(
                user=user, kind=kind, content=content, filename=upload.name, apply=False
            )
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if report.ok:
                token = secrets.token_urlsafe(16)
                cache.set(
                    f"inspector-import:{token}",
                    {"user_id": user.pk, "kind": kind, "filename": upload.name, "content": content},
                    IMPORT_CACHE_SECONDS,
                )
    return render(
        request,
        "registries/inspector_import.html",
        {"form": form, "report": report, "token": token},
    )


@login_required
@require_POST
def inspector_import_apply(request):
    user = request.user
    _import_allowed(user)
    token = request.POST.get("token", "")
    pending = cache.get(f"inspector-import:{token}") if token else None
    if pending is None or pending["user_id"] != user.pk:
        messages.error(request, _("导入已过期，请重新上传文件。"))
        return redirect("registries:inspector_import")
    try:
        report = importing.import_file(
            user=user,
            kind=pending["kind"],
            content=pending["content"],
            filename=pending["filename"],
            apply=True,
        )
    except (importing.ImportFileError, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("registries:inspector_import")
    cache.delete(f"inspector-import:{token}")
    if report.applied:
        messages.success(
            request,
            _("导入完成：新增 %(created)s 人，更新 %(updated)s 人，未变 %(unchanged)s 人。")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
        target = (
            "registries:expert_list"
            if pending["kind"] == importing.KIND_EXPERTS
            else "registries:inspector_list"
        )
        return redirect(target)
    form = ImportForm(initial={"kind": pending["kind"]})
    return render(
        request, "registries/inspector_import.html", {"form": form, "report": report, "token": None}
    )


# --- experts -----------------------------------------------------------------------------------


@login_required
def expert_list(request):
    user = request.user
    _member_only(user)
    form = ExpertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    experts = selectors.expert_list_visible_to(user, **{k: v for k, v in filters.items() if v})
    return list_page(
        request,
        rows=experts,
        template="registries/expert_list.html",
        context={"form": form, "can_edit": user.is_office_admin},
        export=lambda rows, export_format: exports.export_response(
            importing.KIND_EXPERTS, rows.iterator(chunk_size=2000), export_format
        ),
    )


@login_required
def expert_detail(request, expert_id: int):
    expert = selectors.access_expert_for_user(request.user, expert_id)
    from accounts.models import AuditEvent

    history = AuditEvent.objects.filter(
        target_type=expert._meta.label_lower, target_id=str(expert.pk)
    ).order_by("-seq")[:50]
    return render(
        request,
        "registries/expert_detail.html",
        {"expert": expert, "can_edit": request.user.is_office_admin, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request):
    refuse_page_unless(is_office_admin, request.user)
    form = ExpertForm(request.POST or None, initial={"status": InspectorStatus.ACTIVE})
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(created_by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("已登记专家：%(name)s（%(code)s）") % {"name": expert.name, "code": expert.code},
            )
            return redirect("registries:expert_detail", expert_id=expert.pk)
    return render(request, "registries/expert_form.html", {"form": form, "title": _("登记专家")})


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, expert_id: int):
    expert = selectors.access_expert_for_user(request.user, expert_id, for_change=True)
    initial = {
        "name": expert.name,
        "organisation": expert.organisation,
        "speciality": expert.speciality,
        "tags": list(expert.tags),
        "status": expert.status,
        "max_load": expert.max_load,
        "region_code": expert.region_code,
        "grid": expert.grid,
    }
    form = ExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(expert=expert, updated_by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registries:expert_detail", expert_id=expert.pk)
    return render(
        request,
        "registries/expert_form.html",
        {"form": form, "expert": expert, "title": _("修改专家信息")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_recusal_declare(request, expert_id: int):
    """The office declares an expert's conflict of interest (experts have no department)."""
    if not request.user.is_office_admin:
        raise Http404
    expert = selectors.access_expert_for_user(request.user, expert_id)
    form = ExpertRecusalForm(
        request.POST or None, initial={"object_code": request.GET.get("object", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            recusal = recusal_services.recusal_declare(
                expert=expert,
                inspection_object=form.cleaned_data["inspection_object"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                declared_by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("专家回避申报已记录，确认后进入抽取的回避关系。"))
            return redirect("registries:recusal_detail", recusal_id=recusal.pk)
    return render(
        request,
        "registries/expert_form.html",
        {"form": form, "expert": expert, "title": _("申报专家回避")},
    )


# --- recusals ----------------------------------------------------------------------------------


@login_required
def recusal_list(request):
    user = request.user
    _member_only(user)
    form = RecusalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    recusals = selectors.recusal_list_visible_to(
        user, status=filters.get("status", ""), q=filters.get("q", "")
    )
    return list_page(
        request,
        rows=recusals,
        template="registries/recusal_list.html",
        context={
            "form": form,
            "can_declare": selectors.declarable_inspectors_for(user).exists(),
            "queue_count": selectors.recusal_queue_for(user).count(),
            "is_decider": user.is_office_admin or user.is_department_admin,
        },
        export=exports.recusal_export_response,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recusal_declare(request):
    user = request.user
    inspectors = selectors.declarable_inspectors_for(user)
    if not inspectors.exists():
        raise Http404
    initial = {"object_code": request.GET.get("object", "")}
    if request.GET.get("inspector"):
        initial["inspector"] = request.GET["inspector"]
    elif inspectors.count() == 1:
        initial["inspector"] = inspectors.first()
    chosen = _int_or_none(request.POST.get("inspector"))
    if request.method == "POST" and (chosen is None or not inspectors.filter(pk=chosen).exists()):
        raise Http404  # another department's inspector looks like a missing one
    form = RecusalDeclareForm(request.POST or None, inspectors=inspectors, initial=initial)
    search = request.GET.get("q", "").strip()
    matches = selectors.object_choices_for_recusal(search) if search else []
    if request.method == "POST" and form.is_valid():
        try:
            recusal = recusal_services.recusal_declare(
                inspector=form.cleaned_data["inspector"],
                inspection_object=form.cleaned_data["inspection_object"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                declared_by=user,
            )
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("回避申报已提交，待部门系统管理员确认。"))
            return redirect("registries:recusal_detail", recusal_id=recusal.pk)
    return render(
        request,
        "registries/recusal_declare.html",
        {
            "form": form,
            "search": search,
            "matches": matches,
            "inspector_param": request.GET.get("inspector", ""),
        },
    )


@login_required
def recusal_detail(request, recusal_id: int):
    recusal = selectors.access_recusal_for_user(request.user, recusal_id)
    return render(
        request,
        "registries/recusal_detail.html",
        {
            "recusal": recusal,
            "can_decide": recusal.status == RecusalStatus.DECLARED
            and recusal_services.can_decide_recusal(request.user, recusal.person),
            "decision_form": DecisionForm(),
        },
    )


@login_required
def recusal_queue(request):
    user = request.user
    refuse_page_unless(is_admin, user)
    return render(
        request,
        "registries/recusal_queue.html",
        {"recusals": selectors.recusal_queue_for(user)[:200], "decision_form": DecisionForm()},
    )


def _decide(request, recusal_id: int, service, done_message: str):
    recusal = selectors.access_recusal_for_user(request.user, recusal_id)
    if not recusal_services.can_decide_recusal(request.user, recusal.person):
        raise PermissionDenied(_("只有该人员所在部门的系统管理员可以确认回避申报。"))
    form = DecisionForm(request.POST)
    form.is_valid()
    service_to_messages(
        request,
        service,
        done_message,
        recusal=recusal,
        decided_by=request.user,
        note=form.cleaned_data.get("note", ""),
    )
    if request.POST.get("next") == "queue":
        return redirect("registries:recusal_queue")
    return redirect("registries:recusal_detail", recusal_id=recusal.pk)


@login_required
@require_POST
def recusal_confirm(request, recusal_id: int):
    return _decide(request, recusal_id, recusal_services.recusal_confirm, _("已确认回避。"))


@login_required
@require_POST
def recusal_reject(request, recusal_id: int):
    return _decide(request, recusal_id, recusal_services.recusal_reject, _("已不予确认。"))


@login_required
@require_http_methods(["GET", "POST"])
def recusal_rules(request):
    user = request.user
    refuse_page_unless(is_office_admin, user)
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                recusal_services.recusal_rule_set(set_by=user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                errors_to_messages(request, error)
            else:
                messages.success(request, _("自动回避规则已更新。"))
        return redirect("registries:recusal_rules")
    rules = [
        {
            **rule,
            "form": RuleForm(
                initial={"kind": rule["kind"], "is_active": rule["is_active"], "note": rule["note"]}
            ),
        }
        for rule in selectors.recusal_rules()
    ]
    return render(request, "registries/recusal_rules.html", {"rules": rules})

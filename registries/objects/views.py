"""Pages of the inspection-object registry (检查对象名录库): list with filters and exports, detail,
single entry and editing, special-list flags, claims and the office's dispute resolution.

Views only translate: they fetch through access_object_for_user and call one service each.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Department
from accounts.roles import is_office_admin, refuse_page_unless
from platform_site.web import (
    denial_or_errors_to_form,
    errors_to_messages,
    posted_form_to_service,
    service_to_messages,
)
from registries.choices import SpecialList
from registries.models import InspectionObject, ObjectSupervision
from registries.objects.exports import export_response
from registries.objects.forms import (
    ClaimForm,
    FlagClearForm,
    FlagSetForm,
    ObjectForm,
    OfficeObjectForm,
)
from registries.objects.importing.merge import deferred_indexes_pending
from registries.objects.panels import object_panels
from registries.objects.selectors import (
    claim_lookup,
    disputed_claims,
    object_detail,
    object_page,
    object_search,
    pending_claims_of,
)
from registries.objects.services import (
    ClaimDecision,
    object_claim,
    object_clear_flag,
    object_create,
    object_release,
    object_resolve_claim,
    object_set_flag,
    object_update,
)
from registries.permissions import (
    access_dispute_for_user,
    access_object_for_user,
    can_edit_registry,
)
from registries.scopes import special_lists_of


def _require_member(user) -> None:
    if not (user.is_active and user.department_id):
        raise Http404


def _require_editor(user) -> None:
    if not can_edit_registry(user):
        raise Http404


# List and exports -------------------------------------------------------------------------------


@login_required
def object_list(request):
    _require_member(request.user)
    search = object_search(request.user, request.GET)
    export_format = request.GET.get("export")
    if export_format in ("csv", "xlsx"):
        return export_response(search.queryset, export_format)
    page = object_page(search, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = {
        "filter": search.filterset,
        "page": page,
        "query": query.urlencode(),
        "can_edit": can_edit_registry(request.user),
        "is_office": request.user.is_office_admin,
    }
    if request.htmx:
        return render(request, "registries/object_results.html", context)
    search.filterset.use_department_select()
    context["indexing"] = deferred_indexes_pending()
    return render(request, "registries/object_list.html", context)


# Detail, entry, editing -------------------------------------------------------------------------


@login_required
def object_detail_page(request, object_id: int):
    inspection_object = access_object_for_user(request.user, object_id)
    flag_rows = _flag_rows(inspection_object)
    listed = [row for row in flag_rows if row["date"]]
    clear_form = None
    if listed:  # only a list the object is on can it be taken off
        clear_form = FlagClearForm()
        cast(forms.ChoiceField, clear_form.fields["flag"]).choices = [
            (row["flag"], row["label"]) for row in listed
        ]
    context = {
        "panels": object_panels(request.user, inspection_object),
        "object": inspection_object,
        "special_lists": special_lists_of(inspection_object, timezone.localdate()),
        "flag_rows": flag_rows,
        "can_edit": can_edit_registry(request.user),
        "is_office": request.user.is_office_admin,
        "flag_set_form": FlagSetForm(),
        "flag_clear_form": clear_form,
        **object_detail(inspection_object),
    }
    return render(request, "registries/object_detail.html", context)


def _flag_rows(inspection_object: InspectionObject) -> list[dict]:
    rows = []
    fields = {
        SpecialList.ANOMALY: ("anomaly_since", "anomaly_source"),
        SpecialList.SERIOUS_VIOLATION: ("serious_violation_since", "serious_violation_source"),
        SpecialList.PENALISED: ("penalised_at", "penalised_source"),
        SpecialList.GROUP_COMPLAINT: ("group_complaint_at", "group_complaint_source"),
    }
    current = set(special_lists_of(inspection_object, timezone.localdate()))
    for flag, (date_field, source_field) in fields.items():
        rows.append(
            {
                "flag": flag,
                "label": flag.label,
                "date": getattr(inspection_object, date_field),
                "source": getattr(inspection_object, source_field),
                "current": flag in current,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def object_create_page(request):
    _require_editor(request.user)
    form_class = OfficeObjectForm if request.user.is_office_admin else ObjectForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        departments = data.pop("supervising_departments", [])
        try:
            inspection_object = object_create(
                created_by=request.user, supervising_departments=list(departments), **data
            )
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(
                request, _("已录入检查对象：%(name)s") % {"name": inspection_object.name}
            )
            return redirect("registries:object_detail", object_id=inspection_object.pk)
    return render(request, "registries/object_form.html", {"form": form, "object": None})


@login_required
@require_http_methods(["GET", "POST"])
def object_edit_page(request, object_id: int):
    inspection_object = access_object_for_user(request.user, object_id, for_change=True)
    initial = {field: getattr(inspection_object, field) for field in ObjectForm.base_fields}
    form = ObjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            object_update(
                inspection_object=inspection_object, updated_by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            denial_or_errors_to_form(form, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("registries:object_detail", object_id=inspection_object.pk)
    return render(
        request, "registries/object_form.html", {"form": form, "object": inspection_object}
    )


@login_required
@require_POST
def object_flag_set_page(request, object_id: int):
    inspection_object = access_object_for_user(request.user, object_id, for_change=True)
    posted_form_to_service(
        request,
        FlagSetForm(request.POST),
        object_set_flag,
        _("已列入特殊名单。"),
        inspection_object=inspection_object,
        set_by=request.user,
    )
    return redirect("registries:object_detail", object_id=inspection_object.pk)


@login_required
@require_POST
def object_flag_clear_page(request, object_id: int):
    inspection_object = access_object_for_user(request.user, object_id, for_change=True)
    posted_form_to_service(
        request,
        FlagClearForm(request.POST),
        object_clear_flag,
        _("已移出特殊名单。"),
        inspection_object=inspection_object,
        cleared_by=request.user,
    )
    return redirect("registries:object_detail", object_id=inspection_object.pk)


# Claims -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def object_claim_page(request):
    """A department names the codes of objects it supervises; it sees each match and claims it."""
    _require_editor(request.user)
    if request.user.is_office_admin:
        raise Http404
    form = ClaimForm(request.POST or request.GET or None)
    results = []
    if form.is_bound and form.is_valid():
        codes = form.cleaned_data["codes"]
        found = claim_lookup(codes)
        for code in codes:
            inspection_object = found.get(code)
            outcome = ""
            if inspection_object is not None and request.method == "POST":
                try:
                    supervision = object_claim(
                        inspection_object=inspection_object, claimed_by=request.user
                    )
                except (ValidationError, PermissionDenied) as error:
                    outcome = " ".join(getattr(error, "messages", [str(error)]))
                else:
                    outcome = (
                        _("已认领")
                        if supervision.status == ObjectSupervision.Status.CLAIMED
                        else _("已提交，其他部门已认领，等待联席办确认")
                    )
            results.append({"code": code, "object": inspection_object, "outcome": outcome})
        if request.method == "POST":
            found = claim_lookup(codes)
            for row in results:
                row["object"] = found.get(row["code"])
    context = {
        "form": form,
        "results": results,
        "submitted": request.method == "POST",
        "pending": pending_claims_of(request.user),
    }
    return render(request, "registries/object_claim.html", context)


@login_required
@require_POST
def object_release_page(request, object_id: int):
    inspection_object = access_object_for_user(request.user, object_id, for_change=True)
    department = request.user.department
    if request.user.is_office_admin:
        department = get_object_or_404(Department, pk=request.POST.get("department"))
    try:
        object_release(
            inspection_object=inspection_object,
            department=department,
            released_by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        return redirect("registries:object_detail", object_id=inspection_object.pk)
    messages.success(
        request, _("已撤销 %(department)s 的认领。") % {"department": department.display_name}
    )
    if request.user.is_office_admin:
        return redirect("registries:object_detail", object_id=inspection_object.pk)
    return redirect("registries:object_list")


@login_required
def claim_dispute_list(request):
    refuse_page_unless(is_office_admin, request.user)
    return render(request, "registries/object_disputes.html", {"disputes": disputed_claims()[:500]})


@login_required
@require_POST
def claim_resolve_page(request, supervision_id: int):
    supervision = access_dispute_for_user(request.user, supervision_id)
    decision = request.POST.get("decision", "")
    service_to_messages(
        request,
        object_resolve_claim,
        _("已确认认领，该部门共同监管此对象。")
        if decision == ClaimDecision.KEEP
        else _("已撤销该认领。"),
        supervision=supervision,
        decision=decision,
        resolved_by=request.user,
        reason=request.POST.get("reason", ""),
    )
    return redirect("registries:claim_disputes")

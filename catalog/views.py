"""Server-rendered pages of the matter list. Thin: fetch through access_*, call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import page_requires, refuse_page_unless
from catalog import services
from catalog.choices import ImportStatus, MatterStatus, ProposalKind, ProposalStatus
from catalog.exports import matter_export_response
from catalog.filters import MatterFilter, ProposalFilter, PublicMatterFilter
from catalog.forms import (
    CheckPointFormSet,
    DecisionForm,
    ImportForm,
    MatterFieldsForm,
    MatterForm,
    ProposalForm,
    RetireForm,
    RetireProposalForm,
)
from catalog.permissions import (
    access_import_for_user,
    access_matter_for_user,
    access_proposal_for_user,
    can_edit_matters,
    can_propose,
)
from catalog.selectors import (
    import_list,
    proposal_list_visible_to,
    proposals_for_matter,
    revision_list,
)
from catalog.selectors import (
    matter_detail as matter_detail_query,
)
from catalog.selectors import (
    matter_list as matter_list_query,
)
from catalog.selectors import (
    public_matter_list as public_matter_query,
)
from catalog.snapshots import FIELD_LABELS, display_value
from platform_site.documents import document_response
from platform_site.lists import list_page, list_query
from platform_site.web import (
    errors_to_form,
    errors_to_messages,
    posted_form_to_service,
    service_to_messages,
)


def _listing(request, filterset, template: str, extra: dict):
    return list_page(
        request,
        rows=filterset.qs,
        template=template,
        context={"filter": filterset, "form": filterset.form, **extra},
        export=matter_export_response,
    )


# --- the list and a matter ----------------------------------------------------------------------


@login_required
def matter_list(request):
    filterset = MatterFilter(request.GET or None, queryset=matter_list_query(user=request.user))
    return _listing(
        request,
        filterset,
        "catalog/matter_list.html",
        {"can_edit": can_edit_matters(request.user), "can_propose": can_propose(request.user)},
    )


def _revision_rows(revisions):
    rows = []
    for revision in revisions:
        changes = [
            {
                "label": FIELD_LABELS.get(name, name),
                "before": display_value(name, pair[0]) if name != "check_points" else len(pair[0]),
                "after": display_value(name, pair[1]) if name != "check_points" else len(pair[1]),
            }
            for name, pair in revision.changes.items()
        ]
        rows.append({"revision": revision, "changes": changes})
    return rows


@login_required
def matter_detail(request, matter_id: int):
    access_matter_for_user(request.user, matter_id)
    matter = matter_detail_query(matter_id)
    scope_description = scope_count = None
    if matter.scope:
        from registries.scopes import describe_scope, objects_in_scope

        scope_description = describe_scope(matter.scope)
        scope_count = objects_in_scope(matter.scope).count()
    return render(
        request,
        "catalog/matter_detail.html",
        {
            "matter": matter,
            "revisions": _revision_rows(revision_list(matter)[:50]),
            "proposals": proposals_for_matter(request.user, matter)[:50],
            "can_edit": can_edit_matters(request.user),
            "can_propose": can_propose(request.user) and matter.status == MatterStatus.ACTIVE,
            "retire_form": RetireForm(),
            "scope_description": scope_description,
            "scope_count": scope_count,
        },
    )


@login_required
@page_requires(can_edit_matters)
@require_http_methods(["GET", "POST"])
def matter_create(request):
    form = MatterForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.matter_create(
                created_by=request.user,
                code=form.cleaned_data["code"],
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("已新增事项：%(code)s") % {"code": matter.code})
            return redirect("catalog:matter_detail", matter_id=matter.pk)
    return render(request, "catalog/matter_form.html", {"form": form, "matter": None})


@login_required
@require_http_methods(["GET", "POST"])
def matter_edit(request, matter_id: int):
    matter = access_matter_for_user(request.user, matter_id, edit=True)
    form = MatterForm(request.POST or None, initial=MatterForm.initial_for(matter))
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_update(
                matter=matter,
                updated_by=request.user,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("事项已保存。"))
            return redirect("catalog:matter_detail", matter_id=matter.pk)
    return render(request, "catalog/matter_form.html", {"form": form, "matter": matter})


@login_required
@require_POST
def matter_retire(request, matter_id: int):
    matter = access_matter_for_user(request.user, matter_id, edit=True)
    posted_form_to_service(
        request,
        RetireForm(request.POST),
        services.matter_retire,
        _("事项已停用。"),
        invalid=_("请填写停用原因。"),
        matter=matter,
        retired_by=request.user,
    )
    return redirect("catalog:matter_detail", matter_id=matter.pk)


@login_required
@require_http_methods(["GET", "POST"])
def matter_check_points(request, matter_id: int):
    matter = access_matter_for_user(request.user, matter_id, edit=True)
    initial = [
        {
            "text": point.text,
            "basis": point.basis,
            "method": point.method,
            "allowed_answers": "、".join(point.allowed_answers),
        }
        for point in matter.check_points.order_by("position")
    ]
    formset = CheckPointFormSet(request.POST or None, initial=initial, prefix="points")
    if request.method == "POST" and formset.is_valid():
        points = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data
            and form.cleaned_data.get("text")
            and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.matter_set_check_points(
                matter=matter,
                set_by=request.user,
                check_points=points,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("检查要点已保存。"))
            return redirect("catalog:matter_detail", matter_id=matter.pk)
    return render(request, "catalog/check_points_form.html", {"matter": matter, "formset": formset})


# --- proposals ----------------------------------------------------------------------------------


def _require_proposer(user) -> None:
    refuse_page_unless(can_propose, user)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request, matter_id: int | None = None):
    """A new-matter proposal (no matter) or a change proposal for an existing matter."""
    _require_proposer(request.user)
    matter = access_matter_for_user(request.user, matter_id) if matter_id else None
    initial = MatterFieldsForm.initial_for(matter) if matter else {}
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                submitted_by=request.user,
                kind=ProposalKind.CHANGE if matter else ProposalKind.ADD,
                matter=matter,
                payload=form.payload(changed_only=matter is not None),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("调整建议已提交，等待联席办处理。"))
            return redirect("catalog:proposal_detail", proposal_id=proposal.pk)
    return render(request, "catalog/proposal_form.html", {"form": form, "matter": matter})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_retire(request, matter_id: int):
    _require_proposer(request.user)
    matter = access_matter_for_user(request.user, matter_id)
    form = RetireProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                submitted_by=request.user,
                kind=ProposalKind.RETIRE,
                matter=matter,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("停用建议已提交，等待联席办处理。"))
            return redirect("catalog:proposal_detail", proposal_id=proposal.pk)
    return render(request, "catalog/proposal_retire_form.html", {"form": form, "matter": matter})


@login_required
def proposal_list(request):
    refuse_page_unless(lambda user: can_edit_matters(user) or can_propose(user), request.user)
    default = {"status": ProposalStatus.PENDING} if not request.GET else None
    filterset = ProposalFilter(
        request.GET or default, queryset=proposal_list_visible_to(request.user)
    )
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/proposal_list.html",
        {
            "form": filterset.form,
            "page": page,
            "query": list_query(request),
            "can_edit": can_edit_matters(request.user),
            "can_propose": can_propose(request.user),
        },
    )


def _payload_rows(proposal) -> list[dict]:
    current = {}
    if proposal.matter_id:
        from catalog.snapshots import matter_snapshot

        current = matter_snapshot(proposal.matter, check_points=[])
    return [
        {
            "label": FIELD_LABELS.get(name, name),
            "before": display_value(name, current.get(name)) if current else "",
            "after": display_value(name, value),
        }
        for name, value in proposal.payload.items()
    ]


@login_required
def proposal_detail(request, proposal_id: int):
    proposal = access_proposal_for_user(request.user, proposal_id)
    return render(
        request,
        "catalog/proposal_detail.html",
        {
            "proposal": proposal,
            "rows": _payload_rows(proposal),
            "can_decide": can_edit_matters(request.user)
            and proposal.status == ProposalStatus.PENDING,
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def proposal_decide(request, proposal_id: int, decision: str):
    proposal = access_proposal_for_user(request.user, proposal_id, decide=True)
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if decision == "accept":
        service_to_messages(
            request,
            services.proposal_accept,
            _("已采纳该建议，清单已更新。"),
            proposal=proposal,
            accepted_by=request.user,
            decision_reason=data.get("decision_reason", ""),
            code=data.get("code", ""),
        )
    else:
        service_to_messages(
            request,
            services.proposal_reject,
            _("已不予采纳该建议。"),
            proposal=proposal,
            rejected_by=request.user,
            decision_reason=data.get("decision_reason", ""),
        )
    return redirect("catalog:proposal_detail", proposal_id=proposal.pk)


# --- import -------------------------------------------------------------------------------------


@login_required
@page_requires(can_edit_matters)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            matter_import = services.matter_import_preview(
                uploaded_by=request.user,
                content=upload.read(),
                filename=upload.name,
                **form.service_options(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return redirect("catalog:import_detail", import_id=matter_import.pk)
    page = Paginator(import_list(), 20).get_page(request.GET.get("page"))
    return render(request, "catalog/import_upload.html", {"form": form, "page": page, "query": ""})


def _change_rows(changes: dict) -> list[dict]:
    return [
        {
            "label": FIELD_LABELS.get(name, name),
            "before": display_value(name, before),
            "after": display_value(name, after),
        }
        for name, (before, after) in changes.items()
    ]


@login_required
def import_detail(request, import_id: int):
    matter_import = access_import_for_user(request.user, import_id)
    diff = matter_import.diff
    added = [
        {
            "code": item["code"],
            "row": item["row"],
            "name": item["name"],
            "category": display_value("category", item["values"]["category"]),
            "departments": "、".join(item["values"]["implementing_departments"]) or "—",
            "participating": "、".join(item["values"]["participating_departments"]) or "—",
            "methods": display_value("methods", item["values"]["methods"]),
        }
        for item in diff.get("added", [])
    ]
    changed = [
        {
            "code": item["code"],
            "row": item["row"],
            "name": item["name"],
            "changes": _change_rows(item["changes"]),
        }
        for item in diff.get("changed", [])
    ]
    return render(
        request,
        "catalog/import_detail.html",
        {
            "import": matter_import,
            "added": added,
            "changed": changed,
            "retired": diff.get("retired", []),
            "can_apply": matter_import.status == ImportStatus.PREVIEWED,
        },
    )


@login_required
@require_POST
def import_apply(request, import_id: int):
    matter_import = access_import_for_user(request.user, import_id)
    try:
        matter_import = services.matter_import_apply(
            matter_import=matter_import, applied_by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
    else:
        messages.success(
            request,
            _("导入完成：新增 %(added)d 项，修改 %(changed)d 项，停用 %(retired)d 项。")
            % {
                "added": matter_import.added_count,
                "changed": matter_import.changed_count,
                "retired": matter_import.retired_count,
            },
        )
    return redirect("catalog:import_detail", import_id=matter_import.pk)


@login_required
@require_POST
def import_discard(request, import_id: int):
    matter_import = access_import_for_user(request.user, import_id)
    service_to_messages(
        request,
        services.matter_import_discard,
        _("已放弃本次导入。"),
        matter_import=matter_import,
        discarded_by=request.user,
    )
    return redirect("catalog:import_detail", import_id=matter_import.pk)


# --- public site --------------------------------------------------------------------------------


def public_matter_list(request):
    """The list in force today, for citizens: no account needed."""
    filterset = PublicMatterFilter(request.GET or None, queryset=public_matter_query())
    return _listing(request, filterset, "catalog/public_matter_list.html", {})


def public_matter_detail(request, matter_id: int):
    matter = get_object_or_404(public_matter_query(), pk=matter_id)
    matter = matter_detail_query(matter.pk)
    return render(request, "catalog/public_matter_detail.html", {"matter": matter})


@login_required
def matter_form_pdf(request, matter_id: int):
    """The matter's blank on-site inspection record, for paper use."""
    return document_response(request, "catalog.matter_form", {"matter": matter_id})

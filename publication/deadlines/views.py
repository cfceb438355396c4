"""Deadline pages: a department's deadlines with yellow and red cards, and the office's rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from publication.deadlines.forms import DeadlineFilterForm, DeadlineRuleForm
from publication.deadlines.selectors import deadline_counts_visible_to, deadline_list_visible_to
from publication.deadlines.services import deadline_rule_update
from publication.models import DeadlineKind, DeadlineRule

PAGE_SIZE = 50


@login_required
def deadline_list(request):
    user = request.user
    if not user.is_office_admin and user.department_id is None:
        raise Http404
    form = DeadlineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    department = filters.get("department") if user.is_office_admin else None
    state = filters.get("state") or ""
    deadlines = deadline_list_visible_to(
        user,
        department=department,
        state="" if state == "all" else state,
        kind=filters.get("kind") or "",
        open_only=state == "",
    )
    page = Paginator(deadlines.prefetch_related("responsible"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publication/deadline_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": deadline_counts_visible_to(user, department=department),
            "show_department": user.is_office_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deadline_rules(request):
    if not request.user.is_office_admin:
        raise Http404
    rules = {rule.kind: rule for rule in DeadlineRule.objects.all()}
    kind = request.POST.get("kind", "")
    forms_by_kind = []
    for value, label in DeadlineKind.choices:
        rule = rules.get(value)
        if rule is None:
            continue
        bound = request.method == "POST" and kind == value
        form = DeadlineRuleForm(request.POST if bound else None, instance=rule, prefix=value)
        if bound and form.is_valid():
            try:
                deadline_rule_update(kind=value, updated_by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
            else:
                messages.success(request, _("已更新“%(kind)s”期限规则。") % {"kind": label})
                return redirect("publication:deadline_rules")
        forms_by_kind.append((value, label, rule, form))
    return render(request, "publication/deadline_rules.html", {"forms": forms_by_kind})

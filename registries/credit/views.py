"""Credit-risk class pages: the office imports the general classes; a department admin sets the
department's rules (a new version each time); the object page shows the fused classes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.roles import is_department_admin, is_office_admin, page_requires
from accounts.types import RequestUser
from platform_site.web import errors_to_messages, service_to_messages
from registries.choices import RiskClass
from registries.credit.rules import RULES, SETTINGS
from registries.credit.services import (
    current_rule_set,
    fused_history,
    general_classes_import,
    rule_set_create,
)
from registries.models import GeneralClassImport, InspectionObject
from registries.objects.panels import ObjectPanel


class GeneralImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV 或 XLSX 文件（统一社会信用代码、风险分类）"))
    issued_on = forms.DateField(
        label=gettext_lazy("分类日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=gettext_lazy("来源"), max_length=200)


class RulesForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=300, required=False)

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        choices = [("", gettext_lazy("不启用")), *RiskClass.choices]
        for name, label in RULES.items():
            rule = current.get(name, {})
            self.fields[f"{name}__class"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=rule.get("class", "")
            )
            for key, default in SETTINGS.get(name, {}).items():
                initial = rule.get(key, default)
                if isinstance(default, list):
                    self.fields[f"{name}__{key}"] = forms.CharField(
                        label=gettext_lazy("所需许可类别（用顿号分隔）"),
                        required=False,
                        initial="、".join(initial),
                    )
                else:
                    self.fields[f"{name}__{key}"] = forms.IntegerField(
                        label={"years": gettext_lazy("年数"), "months": gettext_lazy("月数"),
                               "count": gettext_lazy("次数")}[key],
                        required=False,
                        initial=initial,
                    )  # fmt: skip

    def rules(self) -> dict:
        data = self.cleaned_data
        rules = {}
        for name in RULES:
            if not data.get(f"{name}__class"):
                continue
            rule: dict[str, Any] = {"class": data[f"{name}__class"]}
            for key, default in SETTINGS.get(name, {}).items():
                value = data.get(f"{name}__{key}")
                if isinstance(default, list):
                    value = [part for part in (value or "").replace(",", "、").split("、") if part]
                rule[key] = default if value in (None, "") else value
            rules[name] = rule
        return rules


@login_required
@page_requires(is_office_admin)
@require_http_methods(["GET", "POST"])
def general_import_page(request):
    form = GeneralImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = general_classes_import(
                content=upload.read(),
                filename=upload.name,
                issued_on=form.cleaned_data["issued_on"],
                source=form.cleaned_data["source"],
                imported_by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            errors_to_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "已导入 %(rows)d 行，%(changed)d 个对象分类变化，%(unknown)d 个代码不在名录库中。"
                )
                % {"rows": batch.rows, "changed": batch.changed, "unknown": batch.unknown},
            )
            return redirect("registries:risk_class_import")
    return render(
        request,
        "registries/credit/general_import.html",
        {"form": form, "imports": GeneralClassImport.objects.select_related("imported_by")[:50]},
    )


@login_required
@page_requires(is_department_admin)
@require_http_methods(["GET", "POST"])
def rules_page(request):
    department = request.user.department
    if department is None or department.is_office:
        raise Http404
    current = current_rule_set(department)
    form = RulesForm(request.POST or None, current=current.rules if current else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and service_to_messages(
            request,
            rule_set_create,
            _("已保存为新版本，融合分类将重新计算。"),
            department=department,
            rules=form.rules(),
            note=form.cleaned_data["note"],
            created_by=request.user,
        )
    ):
        return redirect("registries:risk_rules")
    return render(
        request,
        "registries/credit/rules.html",
        {
            "form": form,
            "department": department,
            "current": current,
            "versions": department.classification_rules.select_related("created_by")[:20],
            "rule_labels": RULES,
        },
    )


def fused_class_panel(user: RequestUser, inspection_object: InspectionObject) -> ObjectPanel | None:
    """The object page's credit-risk panel: the office sees every department's fused class, a
    department its own."""
    if user is None or not user.is_authenticated or user.department_id is None:
        return None
    departments = None if is_office_admin(user) else [user.department_id]
    return ObjectPanel(
        template="registries/credit/_object_panel.html",
        context={
            "history": list(fused_history(inspection_object, departments=departments)),
            "general": inspection_object.general_classes.order_by("-valid_from", "-pk")[:5],
            "inspection_object": inspection_object,
        },
    )

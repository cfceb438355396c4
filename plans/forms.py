import re
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.choices import MatterStatus
from catalog.models import Matter
from plans.choices import RISK_CLASSES
from plans.models import PlanItem
from plans.scoping import format_bp
from registries.choices import ObjectKind, Scale

MONTHS = [(month, _("%(m)s月") % {"m": month}) for month in range(1, 13)]
SPLIT = re.compile(r"[\s,，、;；]+")


def split_codes(value: str) -> list[str]:
    return [part for part in SPLIT.split(value or "") if part]


def member_departments() -> QuerySet[Department]:
    return Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True).order_by(
        "code"
    )


class MatterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, matter: Matter) -> str:
        category = (
            _("重点")
            if matter.is_key
            else _("一般，上限 %(cap)s") % {"cap": format_bp(matter.effective_cap_bp)}
        )
        return f"{matter.code} {matter.name}（{category}）"


class DepartmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, department: Department) -> str:
        return department.display_name


class PlanYearOpenForm(forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100)
    submission_deadline = forms.DateField(
        label=_("部门报送截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则为上一年 11 月 30 日。"),
    )
    approval_deadline = forms.DateField(
        label=_("审批截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空则为上一年 12 月 31 日。"),
    )
    notes = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanItemForm(forms.Form):
    """One plan item. Scope filters and the ratio per credit class are separate fields here and
    become the `scope` spec and the `ratios` map (basis points) for the service."""

    department = forms.ModelChoiceField(label=_("牵头部门"), queryset=Department.objects.none())
    title = forms.CharField(label=_("任务名称"), max_length=200)
    matters = MatterChoiceField(
        label=_("抽查事项"),
        queryset=Matter.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    participating_departments = DepartmentChoiceField(
        label=_("配合部门（联合抽查）"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    directed = forms.BooleanField(
        label=_("定向抽查"),
        required=False,
        help_text=_("不勾选为不定向抽查：不设行业、区域、规模等筛选条件。"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("对象类型"),
        choices=ObjectKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry_prefixes = forms.CharField(
        label=_("行业代码前缀"),
        required=False,
        help_text=_("GB/T 4754，多个用空格或逗号分隔，例如 C13 F52。"),
    )
    region_prefixes = forms.CharField(
        label=_("行政区划代码前缀"),
        required=False,
        help_text=_("例如 3301（全市）、330102（某区）。"),
    )
    scales = forms.MultipleChoiceField(
        label=_("规模"), choices=Scale.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    licence_types = forms.CharField(
        label=_("许可类别"), required=False, help_text=_("多个用空格或逗号分隔。")
    )
    departments = forms.MultipleChoiceField(
        label=_("监管部门"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只抽取这些部门认领监管的对象。"),
    )
    ratio_A = forms.DecimalField(
        label=_("A类（低风险）抽查比例 %"), min_value=0, max_value=100, decimal_places=2
    )
    ratio_B = forms.DecimalField(
        label=_("B类（一般风险）抽查比例 %"), min_value=0, max_value=100, decimal_places=2
    )
    ratio_C = forms.DecimalField(
        label=_("C类（较高风险）抽查比例 %"), min_value=0, max_value=100, decimal_places=2
    )
    ratio_D = forms.DecimalField(
        label=_("D类（高风险）抽查比例 %"), min_value=0, max_value=100, decimal_places=2
    )
    window_start_month = forms.TypedChoiceField(label=_("计划开始月份"), choices=MONTHS, coerce=int)
    window_end_month = forms.TypedChoiceField(
        label=_("计划结束月份"), choices=MONTHS, coerce=int, initial=12
    )
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, item: PlanItem | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(item)
        super().__init__(*args, **kwargs)
        departments = member_departments()
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)  # the model-choice fields
        fields["matters"].queryset = Matter.objects.filter(status=MatterStatus.ACTIVE).order_by(
            "code"
        )
        own = item.department_id if item is not None else getattr(user, "department_id", None)
        fields["participating_departments"].queryset = (
            departments.exclude(pk=own) if own is not None else departments
        )
        self.fields["departments"].choices = [(d.code, d.display_name) for d in departments]  # type: ignore[attr-defined]
        if user is not None and user.is_office_admin and item is None:
            fields["department"].queryset = departments
        else:
            del self.fields["department"]

    @staticmethod
    def initial_from(item: PlanItem) -> dict:
        scope = item.scope or {}
        initial = {
            "title": item.title,
            "matters": list(item.matters.all()),
            "participating_departments": list(item.participating_departments.all()),
            "directed": item.directed,
            "kinds": scope.get("kinds", []),
            "industry_prefixes": " ".join(scope.get("industry_prefixes", [])),
            "region_prefixes": " ".join(scope.get("region_prefixes", [])),
            "scales": scope.get("scales", []),
            "licence_types": " ".join(scope.get("licence_types", [])),
            "departments": scope.get("departments", []),
            "window_start_month": item.window_start_month,
            "window_end_month": item.window_end_month,
            "notes": item.notes,
        }
        for risk_class in RISK_CLASSES:
            value = item.ratios.get(risk_class)
            initial[f"ratio_{risk_class}"] = None if value is None else Decimal(value) / 100
        return initial

    def scope_spec(self) -> dict:
        data = self.cleaned_data
        spec = {
            "kinds": data.get("kinds") or [],
            "industry_prefixes": [
                code.upper() for code in split_codes(data.get("industry_prefixes", ""))
            ],
            "region_prefixes": split_codes(data.get("region_prefixes", "")),
            "scales": data.get("scales") or [],
            "licence_types": split_codes(data.get("licence_types", "")),
            "departments": data.get("departments") or [],
        }
        return {key: value for key, value in spec.items() if value}

    def ratios_bp(self) -> dict:
        ratios = {}
        for risk_class in RISK_CLASSES:
            value = self.cleaned_data.get(f"ratio_{risk_class}")
            if value is None:
                continue
            try:
                ratios[risk_class] = int((Decimal(value) * 100).to_integral_value())
            except (InvalidOperation, TypeError):
                continue
        return ratios

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "matters": list(data["matters"]),
            "participating_departments": list(data.get("participating_departments") or []),
            "scope": self.scope_spec(),
            "directed": data.get("directed", False),
            "ratios": self.ratios_bp(),
            "window_start_month": data["window_start_month"],
            "window_end_month": data["window_end_month"],
            "notes": data.get("notes", ""),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeProposalForm(forms.Form):
    lead_department = forms.ModelChoiceField(
        label=_("牵头部门"), queryset=Department.objects.none()
    )
    window_start_month = forms.TypedChoiceField(label=_("开始月份"), choices=MONTHS, coerce=int)
    window_end_month = forms.TypedChoiceField(label=_("结束月份"), choices=MONTHS, coerce=int)
    items = forms.ModelMultipleChoiceField(
        label=_("合并的计划事项"),
        queryset=PlanItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, item_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)  # the model-choice fields
        fields["lead_department"].queryset = member_departments()
        fields["items"].queryset = (
            item_queryset if item_queryset is not None else PlanItem.objects.none()
        )
        fields["items"].label_from_instance = lambda item: (  # type: ignore[method-assign,assignment]
            f"{item.department.display_name}：{item.title}（{item.window_label}）"
        )


class PeakSeasonForm(forms.Form):
    industry_prefix = forms.CharField(label=_("行业代码前缀"), max_length=10)
    months = forms.TypedMultipleChoiceField(
        label=_("旺季月份"), choices=MONTHS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

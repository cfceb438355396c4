import re
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from catalog.choices import ImplementingLevel, InspectionMethod, MatterCategory
from catalog.services import DEFAULT_ANSWERS
from catalog.sources import SUPPORTED_EXTENSIONS
from registries.choices import ObjectKind, RiskClass, Scale

_LIST_SPLIT = re.compile(r"[、,，;；\s]+")


def _departments():
    return Department.objects.filter(kind="department", is_active=True).order_by("code")


def _split(text: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(text or "") if part]


class MatterFieldsForm(forms.Form):
    """The matter's content fields, shared by the edit form and the department's proposal form."""

    name = forms.CharField(label=_("抽查事项"), max_length=300)
    field = forms.CharField(label=_("领域"), max_length=100, required=False)
    object_type = forms.CharField(label=_("抽查对象"), max_length=300, required=False)
    legal_basis = forms.CharField(
        label=_("抽查依据"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    inspection_content = forms.CharField(
        label=_("检查内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    methods = forms.MultipleChoiceField(
        label=_("检查方式"),
        choices=InspectionMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    category = forms.ChoiceField(label=_("事项类别"), choices=MatterCategory.choices)
    implementing_departments = forms.ModelMultipleChoiceField(
        label=_("实施部门"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    participating_departments = forms.ModelMultipleChoiceField(
        label=_("配合部门（联合事项）"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("implementing_departments", "participating_departments"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = _departments()

    @staticmethod
    def initial_for(matter) -> dict:
        return {
            "name": matter.name,
            "field": matter.field,
            "object_type": matter.object_type,
            "legal_basis": matter.legal_basis,
            "inspection_content": matter.inspection_content,
            "methods": list(matter.methods),
            "category": matter.category,
            "implementing_departments": list(matter.implementing_departments.all()),
            "participating_departments": list(matter.participating_departments.all()),
            "ratio_cap_percent": None if matter.ratio_cap_bp is None else matter.ratio_cap_bp / 100,
            "frequency": matter.frequency,
            "implementing_level": matter.implementing_level,
            "is_common": matter.is_common,
            "is_joint": matter.is_joint,
            "list_year": matter.list_year,
            "effective_from": matter.effective_from,
            "implementing_subject_text": matter.implementing_subject_text,
            "scope_kinds": matter.scope.get("kinds", []),
            "scope_risk_classes": matter.scope.get("risk_classes", []),
            "scope_scales": matter.scope.get("scales", []),
            "scope_industry_prefixes": "、".join(matter.scope.get("industry_prefixes", [])),
            "scope_region_prefixes": "、".join(matter.scope.get("region_prefixes", [])),
            "scope_licence_types": "、".join(matter.scope.get("licence_types", [])),
        }


class MatterForm(MatterFieldsForm):
    ratio_cap_percent = forms.DecimalField(
        label=_("抽查比例上限（%）"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        help_text=_("一般事项必填，默认 5%；重点事项不设上限。"),
    )
    frequency = forms.CharField(label=_("抽查频次"), max_length=100, required=False)
    implementing_level = forms.ChoiceField(label=_("实施层级"), choices=ImplementingLevel.choices)
    is_common = forms.BooleanField(label=_("通用事项（并入每项任务）"), required=False)
    is_joint = forms.BooleanField(label=_("部门联合抽查事项"), required=False)
    list_year = forms.IntegerField(label=_("清单版本年度"), min_value=2000, max_value=2100)
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    implementing_subject_text = forms.CharField(
        label=_("实施主体（原文）"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    scope_kinds = forms.MultipleChoiceField(
        label=_("对象范围：对象类型"),
        choices=ObjectKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope_risk_classes = forms.MultipleChoiceField(
        label=_("对象范围：信用风险分类"),
        choices=RiskClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope_scales = forms.MultipleChoiceField(
        label=_("对象范围：规模"),
        choices=Scale.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope_industry_prefixes = forms.CharField(
        label=_("对象范围：行业代码前缀"),
        required=False,
        help_text=_("多个用顿号或逗号分隔，例如 C13、F52"),
    )
    scope_region_prefixes = forms.CharField(label=_("对象范围：行政区划代码前缀"), required=False)
    scope_licence_types = forms.CharField(label=_("对象范围：许可类别"), required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields = {
                "code": forms.CharField(label=_("事项编码"), max_length=32),
                **self.fields,
            }
            self.fields["list_year"].initial = timezone.localdate().year
            self.fields["effective_from"].initial = timezone.localdate()
            self.fields["implementing_level"].initial = ImplementingLevel.ALL
            self.fields["category"].initial = MatterCategory.GENERAL
            self.fields["ratio_cap_percent"].initial = 5

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("code", None)
        data.pop("reason", None)
        percent = data.pop("ratio_cap_percent")
        data["ratio_cap_bp"] = None if percent is None else round(percent * 100)
        scope = {
            "kinds": data.pop("scope_kinds"),
            "risk_classes": data.pop("scope_risk_classes"),
            "scales": data.pop("scope_scales"),
            "industry_prefixes": _split(data.pop("scope_industry_prefixes")),
            "region_prefixes": _split(data.pop("scope_region_prefixes")),
            "licence_types": _split(data.pop("scope_licence_types")),
        }
        data["scope"] = {key: value for key, value in scope.items() if value}
        data["implementing_departments"] = list(data["implementing_departments"])
        data["participating_departments"] = list(data["participating_departments"])
        return data


class ProposalForm(MatterFieldsForm):
    reason = forms.CharField(label=_("建议理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self, changed_only: bool) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "reason"}
        for name in ("implementing_departments", "participating_departments"):
            data[name] = [department.code for department in data[name]]
        if changed_only:
            data = {name: value for name, value in data.items() if name in self.changed_data}
        return data


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=500)
    effective_until = forms.DateField(
        label=_("失效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为今天。"),
    )


class RetireProposalForm(forms.Form):
    reason = forms.CharField(label=_("建议停用的理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision_reason = forms.CharField(
        label=_("处理意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("不予采纳时必填。"),
    )
    code = forms.CharField(
        label=_("新事项编码"),
        max_length=32,
        required=False,
        help_text=_("仅新增事项；留空自动生成。"),
    )


class CheckPointForm(forms.Form):
    text = forms.CharField(label=_("检查要点"), max_length=500, required=False)
    basis = forms.CharField(label=_("依据"), max_length=500, required=False)
    method = forms.ChoiceField(
        label=_("检查方式"), choices=InspectionMethod.choices, initial=InspectionMethod.ON_SITE
    )
    allowed_answers = forms.CharField(
        label=_("可选结论"), max_length=200, required=False, initial="、".join(DEFAULT_ANSWERS)
    )


CheckPointFormSet = forms.formset_factory(CheckPointForm, extra=3, can_delete=True, max_num=50)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("清单文件"),
        allow_empty_file=True,
        help_text=_("省级下发的抽查事项清单：.xlsx、.xls 或 .csv（UTF-8 或 GBK 编码）"),
    )
    list_name = forms.CharField(
        label=_("清单名称"),
        max_length=200,
        required=False,
        help_text=_("留空则取表格标题；同名清单视为同一清单的新版本。"),
    )
    code_prefix = forms.CharField(
        label=_("编码前缀"),
        max_length=12,
        required=False,
        help_text=_("加在文件中的编码前，避免不同清单编码重复，例如 HN2020-"),
    )
    list_year = forms.IntegerField(
        label=_("清单版本年度"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("留空则取标题中的年份。"),
    )
    effective_from = forms.DateField(
        label=_("生效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为今天。"),
    )
    complete_list = forms.BooleanField(
        label=_("该文件是完整清单（同一清单中未列出的有效事项将停用）"), required=False
    )
    default_ratio_percent = forms.DecimalField(
        label=_("一般事项默认比例上限（%）"),
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        initial=5,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(SUPPORTED_EXTENSIONS):
            raise forms.ValidationError(_("不支持的文件格式：仅支持 .xlsx、.xls、.csv"))
        return upload

    def service_options(self) -> dict:
        data = self.cleaned_data
        return {
            "list_name": data["list_name"],
            "code_prefix": data["code_prefix"],
            "list_year": data["list_year"],
            "effective_from": data["effective_from"],
            "complete_list": data["complete_list"],
            "default_ratio_cap_bp": round(data["default_ratio_percent"] * 100),
        }

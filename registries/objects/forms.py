"""Forms of the inspection-object pages: single entry and editing, special-list flags, claims."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale, SpecialList

MAX_CLAIM_CODES = 200


class LicenceField(forms.CharField):
    """Licence types typed one per line (or separated by 、 , ；)."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        for separator in ("、", "，", ",", "；", ";"):
            text = text.replace(separator, "\n")
        return [item.strip() for item in text.splitlines() if item.strip()]

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value


class ObjectForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("对象类型"), choices=ObjectKind.choices)
    code = forms.CharField(
        label=gettext_lazy("统一社会信用代码/对象编码"),
        max_length=32,
        help_text=gettext_lazy(
            "企业、个体工商户、农民专业合作社填写18位统一社会信用代码（校验位会被核验）。"
        ),
    )
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    legal_representative = forms.CharField(
        label=gettext_lazy("法定代表人/负责人"), max_length=100, required=False
    )
    address = forms.CharField(
        label=gettext_lazy("住所（经营场所）"), max_length=300, required=False
    )
    region_code = forms.CharField(label=gettext_lazy("行政区划代码"), max_length=12)
    industry_code = forms.CharField(
        label=gettext_lazy("行业代码（GB/T 4754）"), max_length=8, required=False
    )
    licence_types = LicenceField(
        label=gettext_lazy("许可类别"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("每行一个，例如 食品经营许可证。"),
    )
    scale = forms.ChoiceField(
        label=gettext_lazy("规模"), choices=[("", "—"), *Scale.choices], required=False
    )
    risk_class = forms.ChoiceField(
        label=gettext_lazy("信用风险分类"), choices=RiskClass.choices, initial=RiskClass.B
    )
    status = forms.ChoiceField(
        label=gettext_lazy("登记状态"), choices=ObjectStatus.choices, initial=ObjectStatus.ACTIVE
    )
    registering_authority = forms.CharField(
        label=gettext_lazy("登记机关"), max_length=100, required=False
    )
    grid = forms.CharField(label=gettext_lazy("网格"), max_length=40, required=False)


class OfficeObjectForm(ObjectForm):
    supervising_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("监管部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = cast(forms.ModelMultipleChoiceField, self.fields["supervising_departments"])
        departments.queryset = Department.objects.filter(is_active=True).exclude(kind="office")


class FlagSetForm(forms.Form):
    flag = forms.ChoiceField(label=gettext_lazy("特殊名单"), choices=SpecialList.choices)
    since = forms.DateField(
        label=gettext_lazy("列入日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=gettext_lazy("来源（决定机关及文书）"), max_length=100)


class FlagClearForm(forms.Form):
    flag = forms.ChoiceField(label=gettext_lazy("特殊名单"), choices=SpecialList.choices)
    reason = forms.CharField(label=gettext_lazy("移出原因"), max_length=200)


class ClaimForm(forms.Form):
    codes = forms.CharField(
        label=gettext_lazy("统一社会信用代码/对象编码"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一个，最多 200 个。"),
    )

    def clean_codes(self):
        codes = [
            line.strip().upper() for line in self.cleaned_data["codes"].splitlines() if line.strip()
        ]
        if len(codes) > MAX_CLAIM_CODES:
            raise ValidationError(_("一次最多认领 %(count)d 个对象。") % {"count": MAX_CLAIM_CODES})
        return list(dict.fromkeys(codes))

"""Forms of the inspector registry's pages: filters, inspector and expert profiles, certificates,
imports, recusals and the automatic recusal rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import Department, User
from registries.choices import InspectorStatus, RecusalReason, RecusalStatus
from registries.inspectors import importing, selectors
from registries.inspectors.selectors import tags_in_use
from registries.inspectors.services.inspectors import LE_TAG
from registries.models import InspectionObject, Inspector, RecusalRule
from registries.tags import TAG_LABELS, tag_label

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _status_choices(blank: bool = True):
    return ([("", gettext_lazy("全部状态"))] if blank else []) + list(InspectorStatus.choices)


class InspectorFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("姓名/编码/证号"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("部门"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=_status_choices()
    )
    tag = forms.CharField(label=gettext_lazy("标签"), required=False)
    expiring = forms.BooleanField(label=gettext_lazy("执法证60日内到期"), required=False)
    drawable_from = forms.DateField(
        label=gettext_lazy("可抽取期间起"), required=False, widget=DATE_INPUT
    )
    drawable_until = forms.DateField(
        label=gettext_lazy("可抽取期间止"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", _("全部部门"))] + [
            (department.code, department.display_name) for department in departments
        ]

    def filters(self) -> selectors.InspectorFilters:
        if not self.is_valid():
            return selectors.InspectorFilters()
        data = self.cleaned_data
        return selectors.InspectorFilters(
            department=data["department"],
            status=data["status"],
            tag=data["tag"],
            q=data["q"],
            expiring=data["expiring"],
            drawable_from=data["drawable_from"],
            drawable_until=data["drawable_until"],
        )


def tag_choices(*, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The tag vocabulary as (code, label): the known tags in their order (registries/tags.py),
    then the ones only the registries carry (an import brought them), so editing keeps them."""
    skip = set(exclude)
    codes = [code for code in TAG_LABELS if code not in skip]
    codes += sorted(tags_in_use() - set(TAG_LABELS) - skip)
    return [(code, tag_label(code)) for code in codes]


class TagsField(forms.MultipleChoiceField):
    """Qualification and speciality tags as labelled checkboxes (as on the task form); the form
    sets the choices, and a code outside them is refused."""

    widget = forms.CheckboxSelectMultiple
    checkbox_group = True  # includes/form.html: a fieldset of labelled boxes
    default_error_messages = {"invalid_choice": gettext_lazy("未知的标签：%(value)s")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class InspectorProfileFields(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    post = forms.CharField(label=gettext_lazy("岗位"), max_length=100, required=False)
    tags = TagsField(
        label=gettext_lazy("资格与专长标签"),
        help_text=gettext_lazy("“持执法证”随执法证自动维护，不在此勾选。"),
    )
    region_code = forms.CharField(label=gettext_lazy("行政区划代码"), max_length=12, required=False)
    grid = forms.CharField(label=gettext_lazy("网格"), max_length=40, required=False)
    max_load = forms.IntegerField(
        label=gettext_lazy("同期最多参加检查组数"), min_value=1, max_value=20, initial=3
    )
    user = forms.ModelChoiceField(
        label=gettext_lazy("关联平台账户"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("（不关联）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # LE (持执法证) follows the certificate: the services keep it, nobody ticks it
        cast(TagsField, self.fields["tags"]).choices = tag_choices(exclude=[LE_TAG])

    def set_accounts(self, departments) -> None:
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
            department__in=departments, is_active=True, roles__contains=[Role.INSPECTOR]
        ).order_by("username")


class InspectorCreateForm(InspectorProfileFields):
    department = forms.ModelChoiceField(
        label=gettext_lazy("所属部门"),
        queryset=Department.objects.none(),
        empty_label=gettext_lazy("（请选择）"),
    )
    certificate_number = forms.CharField(
        label=gettext_lazy("执法证号"), max_length=50, required=False
    )
    certificate_valid_from = forms.DateField(
        label=gettext_lazy("执法证有效期起"), required=False, widget=DATE_INPUT
    )
    certificate_valid_until = forms.DateField(
        label=gettext_lazy("执法证有效期至"), required=False, widget=DATE_INPUT
    )

    field_order = ["department", "name", "post", "certificate_number", "certificate_valid_from"]


class InspectorEditForm(InspectorProfileFields):
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=_status_choices(blank=False))
    status_since = forms.DateField(
        label=gettext_lazy("状态起始日期"), required=False, widget=DATE_INPUT
    )
    status_until = forms.DateField(
        label=gettext_lazy("状态截止日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("仅休假填写"),
    )


class CertificateForm(forms.Form):
    certificate_number = forms.CharField(
        label=gettext_lazy("执法证号"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("留空表示注销执法证"),
    )
    certificate_valid_from = forms.DateField(
        label=gettext_lazy("有效期起"), required=False, widget=DATE_INPUT
    )
    certificate_valid_until = forms.DateField(
        label=gettext_lazy("有效期至"), required=False, widget=DATE_INPUT
    )


class EligibilityForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("检查开始日期"), widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("检查结束日期"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("结束日期不能早于开始日期。"))
        return data


class ExpertForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    organisation = forms.CharField(label=gettext_lazy("所在单位"), max_length=200)
    speciality = forms.CharField(label=gettext_lazy("专业领域"), max_length=200)
    region_code = forms.CharField(
        label=gettext_lazy("行政区划代码"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("所在单位的行政区划；启用“本人所在行政区划”回避规则时据此回避。"),
    )
    grid = forms.CharField(label=gettext_lazy("网格"), max_length=40, required=False)
    tags = TagsField(label=gettext_lazy("标签"))
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=_status_choices(blank=False))
    max_load = forms.IntegerField(
        label=gettext_lazy("同期最多参加检查组数"), min_value=1, max_value=20, initial=3
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(TagsField, self.fields["tags"]).choices = tag_choices()


class ExpertFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("姓名/单位/专业"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=_status_choices()
    )
    tag = forms.CharField(label=gettext_lazy("标签"), required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("导入内容"),
        choices=[
            (importing.KIND_INSPECTORS, gettext_lazy("执法检查人员")),
            (importing.KIND_EXPERTS, gettext_lazy("专家")),
        ],
    )
    file = forms.FileField(label=gettext_lazy("文件（CSV、XLSX 或 XLS，CSV 为 UTF-8 或 GBK 编码）"))


class RecusalDeclareForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label=gettext_lazy("执法检查人员"), queryset=Inspector.objects.none()
    )
    object_code = forms.CharField(
        label=gettext_lazy("检查对象代码"),
        max_length=32,
        help_text=gettext_lazy("统一社会信用代码或对象编码；可用上方搜索查找"),
    )
    reason = forms.ChoiceField(label=gettext_lazy("回避事由"), choices=RecusalReason.choices)
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = inspectors

    def clean_object_code(self):
        code = self.cleaned_data["object_code"].strip().upper()
        inspection_object = InspectionObject.objects.filter(code=code).first()
        if inspection_object is None:
            raise ValidationError(_("检查对象不存在：%(code)s") % {"code": code})
        self.cleaned_data["inspection_object"] = inspection_object
        return code


class ExpertRecusalForm(forms.Form):
    object_code = RecusalDeclareForm.base_fields["object_code"]
    reason = RecusalDeclareForm.base_fields["reason"]
    note = RecusalDeclareForm.base_fields["note"]
    clean_object_code = RecusalDeclareForm.clean_object_code


class RecusalFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("人员/对象"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *RecusalStatus.choices],
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("意见"), max_length=300, required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=RecusalRule.Kind.choices, widget=forms.HiddenInput)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False)
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

"""The public site's query and objection forms: every query parameter is validated (a bad value
gets a clear error and a 400, never a server error or a silently different list)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from catalog.models import Matter
from platform_site.widgets import PythonNumberInput, PythonSelect


class PeriodFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("部门"),
        queryset=Department.objects.filter(kind="department", is_active=True).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("全部部门"),
        widget=PythonSelect,
    )
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, required=False, widget=PythonNumberInput
    )
    month = forms.IntegerField(
        label=_("月份"), min_value=1, max_value=12, required=False, widget=PythonNumberInput
    )
    page = forms.IntegerField(min_value=1, max_value=100000, required=False)


class TaskFilterForm(PeriodFilterForm):
    matter = forms.ModelChoiceField(
        label=_("抽查事项"),
        queryset=Matter.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("全部事项"),
        widget=PythonSelect,
    )
    field_order = ["department", "matter", "year", "month"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("企业名称或统一社会信用代码"),
        min_length=2,
        max_length=100,
        strip=True,
        error_messages={"min_length": _("请至少输入 2 个字。")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    credit_code = forms.CharField(label=_("本企业统一社会信用代码"), max_length=18, min_length=18)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)
    contact_email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)
    reason = forms.CharField(
        label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachments = MultipleFileField(
        label=_("证明材料（选填，JPEG/PNG/WebP 图片或 PDF）"), required=False
    )


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("upheld", _("异议成立，更正检查结果")), ("rejected", _("异议不成立"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 4}))

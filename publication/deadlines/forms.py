from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from publication.models import DeadlineKind, DeadlineRule, DeadlineState


class DeadlineFilterForm(forms.Form):
    """The list's filters (shared by the page and, through the same fields, the API)."""

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("进行中（全部）")), ("all", _("全部（含已关闭）")), *DeadlineState.choices],
    )
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *DeadlineKind.choices]
    )
    department = forms.ModelChoiceField(
        label=_("部门"),
        required=False,
        queryset=Department.objects.filter(kind="department").order_by("code"),
        to_field_name="code",
        empty_label=_("全部部门"),
    )


class DeadlineRuleForm(forms.ModelForm):
    class Meta:
        model = DeadlineRule
        fields = [
            "working_days",
            "due_soon_working_days",
            "remind_every_working_days",
            "escalate_overdue",
        ]

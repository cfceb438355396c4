from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_users_with_perms

from accounts.choices import Role
from accounts.models import Department, User
from catalog.choices import InspectionMethod, MatterStatus
from catalog.models import Matter
from registries.choices import RiskClass
from tasks.choices import ReplacementCategory, TaskStatus
from tasks.models import TaskPolicy

PAIR_RE = re.compile(r"^\s*([A-Z][A-Z0-9-]*)\s*[=:：]\s*(.+?)\s*$")


def parse_pairs(text: str, *, integer: bool) -> dict:
    """ "SAMR=1, EPB=1" → {"SAMR": 1, "EPB": 1}; "SAMR=LE;FOOD" → {"SAMR": ["FOOD", "LE"]}."""
    result: dict = {}
    for part in re.split(r"[,，\n]+", text or ""):
        if not part.strip():
            continue
        match = PAIR_RE.match(part.upper())
        if not match:
            raise forms.ValidationError(_("格式应为“部门代码=值”，多项用逗号分隔。"))
        key, value = match.groups()
        if integer:
            if not value.isdigit():
                raise forms.ValidationError(_("人数必须是整数。"))
            result[key] = int(value)
        else:
            result[key] = sorted({tag for tag in re.split(r"[;；\s]+", value) if tag})
    return result


def format_pairs(mapping: dict) -> str:
    return ", ".join(
        f"{k}={';'.join(v) if isinstance(v, list) else v}" for k, v in (mapping or {}).items()
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=200, required=False)
    plan_item = forms.ModelChoiceField(
        label=_("计划事项"),
        queryset=None,
        required=False,
        help_text=_("从已批准的年度计划事项创建；留空则为临时任务。"),
    )
    adhoc_reason = forms.CharField(
        label=_("临时任务事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    deviation_reason = forms.CharField(
        label=_("偏离计划事项的理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "参与部门、抽查比例、对象范围与计划事项不一致，或少选了计划事项中的事项时填写；"
            "此类任务须经联席办审批后才能公告抽取。"
        ),
    )
    participating_departments = forms.ModelMultipleChoiceField(
        label=_("参与部门"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    matters = forms.ModelMultipleChoiceField(
        label=_("抽查事项"), queryset=None, required=False, help_text=_("通用事项自动并入。")
    )
    region_prefixes = forms.CharField(
        label=_("行政区划代码前缀"), required=False, help_text=_("多个用逗号分隔；留空为不限。")
    )
    industry_prefixes = forms.CharField(label=_("行业代码前缀"), required=False)
    rate_a = forms.IntegerField(
        label=_("A类（低风险）抽查比例（基点，100=1%）"), min_value=0, max_value=10000, initial=300
    )
    rate_b = forms.IntegerField(
        label=_("B类比例（基点）"), min_value=0, max_value=10000, initial=500
    )
    rate_c = forms.IntegerField(
        label=_("C类比例（基点）"), min_value=0, max_value=10000, initial=1000
    )
    rate_d = forms.IntegerField(
        label=_("D类（高风险）比例（基点）"), min_value=0, max_value=10000, initial=2000
    )
    groups = forms.IntegerField(label=_("检查组数"), min_value=1, initial=1)
    group_composition = forms.CharField(
        label=_("每组人员构成"),
        required=False,
        help_text=_("例如 SAMR=1, EPB=1；专家用 EXPERT=1。留空则牵头部门与每个参与部门各1人。"),
    )
    required_tags = forms.CharField(
        label=_("资格要求"), required=False, help_text=_("例如 SAMR=LE 表示须持执法证标签。")
    )
    start_date = forms.DateField(
        label=_("检查开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("检查结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    inspection_method = forms.ChoiceField(label=_("检查方式"), choices=InspectionMethod.choices)
    second_witness = forms.ModelChoiceField(
        label=_("第二见证人（单部门任务）"),
        queryset=None,
        required=False,
        help_text=_(
            "单部门任务须在公告前指定：本部门纪检监督人员，或经联席办为本任务指定的人员（如部门负责人）。"
        ),
    )

    def __init__(self, *args, user: User, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.choices import PlanItemStatus
        from plans.models import PlanItem

        self.fields["plan_item"].queryset = PlanItem.objects.filter(
            department=user.department, status=PlanItemStatus.APPROVED
        ).select_related("plan_year")
        self.fields["participating_departments"].queryset = Department.objects.filter(
            is_active=True, kind="department"
        ).exclude(pk=user.department_id)
        self.fields["matters"].queryset = Matter.objects.filter(
            status=MatterStatus.ACTIVE, is_common=False
        )
        designated = (
            get_users_with_perms(task, only_with_perms_in=["witness_task"]).values("pk")
            if task is not None
            else User.objects.none().values("pk")
        )
        self.fields["second_witness"].queryset = User.objects.filter(
            Q(department=user.department, roles__contains=[Role.WITNESS]) | Q(pk__in=designated),
            is_active=True,
        ).order_by("username")
        if task is not None:
            del self.fields["plan_item"]
            if task.plan_item_id is None:
                del self.fields["deviation_reason"]

    def clean_group_composition(self):
        return parse_pairs(self.cleaned_data["group_composition"], integer=True) or None

    def clean_required_tags(self):
        return parse_pairs(self.cleaned_data["required_tags"], integer=False)

    PREFIX_KEYS = ("region_prefixes", "industry_prefixes")

    def service_kwargs(self, *, base_scope: dict | None = None) -> dict:
        """The service's arguments. The form edits the scope's region and industry prefixes; the
        other dimensions stay as in `base_scope` (the plan item's, or the task's own)."""
        data = self.cleaned_data
        if base_scope is None and data.get("plan_item") is not None:
            base_scope = data["plan_item"].scope
        scope = {k: v for k, v in (base_scope or {}).items() if k not in self.PREFIX_KEYS}
        for key in self.PREFIX_KEYS:
            values = [v.strip() for v in re.split(r"[,，\s]+", data.get(key) or "") if v.strip()]
            if values:
                scope[key] = values
        kwargs = {
            "title": data["title"],
            "participating_departments": list(data["participating_departments"]),
            "matters": list(data["matters"]),
            "scope": scope,
            "strata": {c: {"rate_bp": data[f"rate_{c.lower()}"]} for c in RiskClass.values},
            "groups": data["groups"],
            "group_composition": data["group_composition"],
            "required_tags": data["required_tags"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "inspection_method": data["inspection_method"],
            "second_witness": data["second_witness"],
        }
        if "plan_item" in data:
            kwargs["plan_item"] = data["plan_item"]
            if data["plan_item"] is not None and not data["matters"]:
                kwargs["matters"] = []
        if "deviation_reason" in self.fields and (
            data.get("plan_item") is not None or "plan_item" not in data
        ):
            kwargs["deviation_reason"] = data.get("deviation_reason", "")
        kwargs["adhoc_reason"] = data["adhoc_reason"]
        return kwargs

    @classmethod
    def initial_for_plan_item(cls, plan_item) -> dict:
        """A new task from a plan item starts from the item's terms; what the form then changes
        is a deviation the office approves."""
        scope = plan_item.scope or {}
        return {
            "plan_item": plan_item,
            "title": plan_item.title,
            "participating_departments": list(
                plan_item.participating_departments.exclude(pk=plan_item.department_id)
            ),
            "matters": list(plan_item.matters.all()),
            "region_prefixes": ", ".join(scope.get("region_prefixes", [])),
            "industry_prefixes": ", ".join(scope.get("industry_prefixes", [])),
            **{f"rate_{c.lower()}": (plan_item.ratios or {}).get(c, 0) for c in RiskClass.values},
        }

    @classmethod
    def initial_for(cls, task) -> dict:
        return {
            "title": task.title,
            "adhoc_reason": task.adhoc_reason,
            "participating_departments": list(task.participating_departments.all()),
            "matters": list(task.matters.filter(is_common=False)),
            "deviation_reason": task.deviation_reason,
            "region_prefixes": ", ".join(task.scope.get("region_prefixes", [])),
            "industry_prefixes": ", ".join(task.scope.get("industry_prefixes", [])),
            **{
                f"rate_{c.lower()}": task.strata.get(c, {}).get("rate_bp", 0)
                for c in RiskClass.values
            },
            "groups": task.groups,
            "group_composition": format_pairs(task.group_composition),
            "required_tags": format_pairs(task.required_tags),
            "start_date": task.start_date,
            "end_date": task.end_date,
            "inspection_method": task.inspection_method,
            "second_witness": task.second_witness,
        }


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("编号或名称"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *TaskStatus.choices], required=False
    )
    department = forms.CharField(label=_("部门代码"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class WitnessForm(forms.Form):
    witness = forms.CharField(
        label=_("见证值"),
        max_length=200,
        help_text=_("例如掷骰子得到的十位数字。在揭示之前，任何人都看不到此值。"),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("批准")), ("0", _("不予批准/退回"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PushForm(forms.Form):
    redraw_reason = forms.CharField(label=_("重抽原因（如有）"), required=False, max_length=1000)
    reveal_at = forms.DateTimeField(
        label=_("最早揭示时间（可不填）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("公告中写明；在此之前不能揭示。不填则为联席办规定的公告后最短间隔。"),
    )


class ReplacementForm(forms.Form):
    inspector_code = forms.CharField(label=_("被替换人员编码"), max_length=32)
    category = forms.ChoiceField(
        label=_("替补原因类别（公开）"), choices=ReplacementCategory.choices
    )
    reason = forms.CharField(
        label=_("替补原因说明（仅联席办和本部门可见）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class WitnessGrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("指定为本任务的第二见证人"),
        queryset=User.objects.none(),
        help_text=_("例如部门负责人。指定后，牵头部门可在公告前将其选为第二见证人。"),
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            department=task.lead_department, is_active=True, is_superuser=False
        ).order_by("username")


class TaskPolicyForm(forms.ModelForm):
    class Meta:
        model = TaskPolicy
        fields = [
            "escalate_after_working_days",
            "remind_every_working_days",
            "low_risk_yearly_limit",
            "clean_result_months",
            "reveal_delay_minutes",
        ]


class VerifyForm(forms.Form):
    bundle_file = forms.FileField(label=_("上传数据包（JSON 文件）"), required=False)
    bundle_text = forms.CharField(
        label=_("或粘贴数据包 JSON"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    announcement_text = forms.CharField(
        label=_("抽取前存档的公告（JSON，可不填）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "填写后，数据包的公告记录必须与存档的公告完全一致，事后整体重算的伪造数据包将被识别。"
        ),
    )
    head = forms.RegexField(
        label=_("抽取前公布的日志链头哈希（可不填）"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        required=False,
        error_messages={"invalid": _("哈希应为64位十六进制字符。")},
    )

    def clean(self):
        data = super().clean()
        if not data.get("bundle_file") and not (data.get("bundle_text") or "").strip():
            raise forms.ValidationError(_("请上传数据包文件或粘贴其内容。"))
        return data

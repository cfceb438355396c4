from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_users_with_perms

from accounts.choices import Role
from accounts.models import Department, User
from catalog.choices import InspectionMethod, MatterStatus
from catalog.models import Matter
from plans.scoping import format_bp
from registries.choices import RiskClass
from registries.drawable import EXPERT_DEPARTMENT
from registries.models import Expert, Inspector
from registries.tags import tag_label
from tasks.choices import ReplacementCategory, TaskStatus
from tasks.models import TaskPolicy

if TYPE_CHECKING:
    from django.db.models import QuerySet

NATURAL_PART = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """ "10-2" before "10-10": digit runs compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in NATURAL_PART.split(code or "")
        if part
    )


class MatterPickerField(forms.ModelMultipleChoiceField):
    """The matters as labelled checkboxes, in natural code order; the template adds a search box."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, matter: Matter) -> str:
        return f"{matter.code} {matter.name}"


class DepartmentField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, department: Department) -> str:
        return department.display_name


def percent_to_bp(value: Decimal) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def bp_to_percent(value) -> Decimal | None:
    if value is None:
        return None
    percent = Decimal(int(value)) / 100
    # 1000 bp → 10, not 1E+1; 250 → 2.5
    return percent.quantize(Decimal(1)) if percent == percent.to_integral() else percent.normalize()


def _percent_field(label, initial):
    return forms.DecimalField(
        label=label,
        initial=initial,
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "class": "short"}),
    )


class TaskForm(forms.Form):
    """The task's terms in words: matters picked from a searchable list, each department's members
    per group as a number beside its name, qualification tags as labelled checkboxes and rates in
    percent. `service_kwargs` turns them into the codes and basis points the services take; the
    services still validate everything (a plan item's terms, caps, composition rules)."""

    title = forms.CharField(label=_("任务名称"), max_length=200, required=False)
    plan_item: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
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
    participating_departments = DepartmentField(label=_("参与部门"), queryset=None, required=False)
    matters = MatterPickerField(
        label=_("抽查事项"), queryset=None, required=False, help_text=_("通用事项自动并入。")
    )
    region_prefixes = forms.CharField(
        label=_("行政区划代码前缀"), required=False, help_text=_("多个用逗号分隔；留空为不限。")
    )
    industry_prefixes = forms.CharField(
        label=_("行业代码前缀"), required=False, help_text=_("GB/T 4754，例如 C13 F52。")
    )
    rate_a = _percent_field(_("A类（低风险）抽查比例 %"), 3)
    rate_b = _percent_field(_("B类（一般风险）抽查比例 %"), 5)
    rate_c = _percent_field(_("C类（较高风险）抽查比例 %"), 10)
    rate_d = _percent_field(_("D类（高风险）抽查比例 %"), 20)
    groups = forms.IntegerField(
        label=_("检查组数"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )
    start_date = forms.DateField(
        label=_("检查开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("检查结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    inspection_method = forms.ChoiceField(label=_("检查方式"), choices=InspectionMethod.choices)
    second_witness: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("第二见证人（单部门任务）"),
        queryset=None,
        required=False,
        empty_label=_("（不指定）"),
        help_text=_(
            "单部门任务须在公告前指定：本部门纪检监督人员，或经联席办为本任务指定的人员（如部门负责人）。"
        ),
    )

    RATE_FIELDS = {c: f"rate_{c.lower()}" for c in RiskClass.values}
    EXPERT_KEY = "expert"

    def __init__(self, *args, user: User, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.choices import PlanItemStatus
        from plans.models import PlanItem

        self.task = task
        lead = task.lead_department if task is not None else user.department
        assert lead is not None  # only a member department's staff create or edit tasks
        self.lead: Department = lead
        # the model-choice fields (the group make-up's fields are added below)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)
        fields["plan_item"].queryset = PlanItem.objects.filter(
            department=user.department, status=PlanItemStatus.APPROVED
        ).select_related("plan_year")
        fields["plan_item"].empty_label = _("（不从计划事项创建：临时任务）")
        members = Department.objects.filter(is_active=True, kind="department").order_by("code")
        fields["participating_departments"].queryset = members.exclude(pk=self.lead.pk)
        matters = sorted(
            Matter.objects.filter(status=MatterStatus.ACTIVE, is_common=False).prefetch_related(
                "implementing_departments"
            ),
            key=lambda m: natural_key(m.code),
        )
        self.matter_objects = {m.pk: m for m in matters}
        fields["matters"].queryset = Matter.objects.filter(
            status=MatterStatus.ACTIVE, is_common=False
        )
        # natural order in the list; the queryset still validates the submitted ids
        fields["matters"].choices = [
            (m.pk, fields["matters"].label_from_instance(m)) for m in matters
        ]
        self.common_matters = sorted(
            Matter.objects.filter(status=MatterStatus.ACTIVE, is_common=True),
            key=lambda m: natural_key(m.code),
        )
        designated = (
            cast(
                "QuerySet[User]", get_users_with_perms(task, only_with_perms_in=["witness_task"])
            ).values("pk")
            if task is not None
            else User.objects.none().values("pk")
        )
        fields["second_witness"].queryset = User.objects.filter(
            Q(department=self.lead, roles__contains=[Role.WITNESS]) | Q(pk__in=designated),
            is_active=True,
        ).order_by("username")
        if task is not None:
            del self.fields["plan_item"]
            if task.plan_item_id is None:
                del self.fields["deviation_reason"]
        self._add_group_fields([self.lead, *members.exclude(pk=self.lead.pk)])

    # --- group make-up: one row per department --------------------------------------------

    def _add_group_fields(self, departments: list[Department]) -> None:
        tags_by_department: dict[str, set[str]] = {d.code: {"LE"} for d in departments}
        tags_by_department[EXPERT_DEPARTMENT] = set()
        rows = (
            Inspector.objects.annotate(tag=Func(F("tags"), function="unnest"))
            .values_list("department__code", "tag")
            .distinct()
        )
        for code, tag in rows:
            tags_by_department.setdefault(code, set()).add(tag)
        for tags in Expert.objects.exclude(tags=[]).values_list("tags", flat=True).distinct():
            tags_by_department[EXPERT_DEPARTMENT].update(tags)
        if self.task is not None:  # tags already required stay choosable
            for code, tags in (self.task.required_tags or {}).items():
                tags_by_department.setdefault(code, set()).update(tags)
        self.group_departments: list[tuple[str, str, Department | None]] = [
            (str(d.pk), d.code, d) for d in departments
        ]
        self.group_departments.append((self.EXPERT_KEY, EXPERT_DEPARTMENT, None))
        for key, code, department in self.group_departments:
            name = department.display_name if department else _("专家")
            self.fields[f"members_{key}"] = forms.IntegerField(
                label=_("%(department)s每组人数") % {"department": name},
                min_value=0,
                max_value=20,
                required=False,
                widget=forms.NumberInput(attrs={"class": "short", "data-members": key}),
            )
            self.fields[f"tags_{key}"] = forms.MultipleChoiceField(
                label=_("%(department)s资格要求") % {"department": name},
                choices=sorted(
                    ((tag, tag_label(tag)) for tag in tags_by_department.get(code, ())),
                    key=lambda choice: (choice[0] != "LE", choice[1]),
                ),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def group_rows(self) -> list[dict]:
        """For the template: each department's participation box, member count and tags."""
        boxes = {
            str(widget.data["value"]): widget
            for widget in self["participating_departments"].subwidgets
        }
        return [
            {
                "key": key,
                "name": department.display_name if department else _("专家"),
                "is_lead": department is not None and department.pk == self.lead.pk,
                "is_expert": department is None,
                "participate": boxes.get(key),
                "members": self[f"members_{key}"],
                "tags": self[f"tags_{key}"],
            }
            for key, code, department in self.group_departments
        ]

    def matter_rows(self) -> list[dict]:
        rows = []
        for widget in self["matters"].subwidgets:
            matter = self.matter_objects.get(int(str(widget.data["value"])))
            if matter is None:
                continue
            departments = "、".join(d.display_name for d in matter.implementing_departments.all())
            rows.append(
                {
                    "widget": widget,
                    "matter": matter,
                    "departments": departments,
                    "cap": _("重点事项，不设上限")
                    if matter.is_key
                    else _("上限 %(cap)s") % {"cap": format_bp(matter.effective_cap_bp)},
                    "search": f"{matter.code} {matter.name} {departments}".lower(),
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        participants = {str(d.pk) for d in data.get("participating_departments") or []}
        typed: dict[str, int | None] = {}
        tags: dict[str, list[str]] = {}
        for key, code, department in self.group_departments:
            members = data.get(f"members_{key}")
            chosen = data.get(f"tags_{key}") or []
            is_lead = department is not None and department.pk == self.lead.pk
            taking_part = department is None or is_lead or key in participants
            if not taking_part:
                if members or chosen:
                    self.add_error(
                        f"members_{key}", _("请先勾选该部门为参与部门，或清空其人数和资格要求。")
                    )
                continue
            typed[code] = members
            if chosen:
                tags[code] = sorted(chosen)
        if all(value is None for value in typed.values()):
            # Nothing typed: the service's default (the lead and each participant, one each).
            data["group_composition"] = None
        else:
            # A blank count means the default: one from the lead and from each participant.
            composition = {
                code: (value if value is not None else (0 if code == EXPERT_DEPARTMENT else 1))
                for code, value in typed.items()
            }
            if typed.get(self.lead.code) is None and sum(composition.values()) < 2:
                composition[self.lead.code] = 2
            data["group_composition"] = composition
        data["required_tags"] = tags
        return data

    PREFIX_KEYS = ("region_prefixes", "industry_prefixes")

    def scope_from(self, base_scope: dict | None = None) -> dict:
        data = self.cleaned_data
        if base_scope is None and data.get("plan_item") is not None:
            base_scope = data["plan_item"].scope
        scope = {k: v for k, v in (base_scope or {}).items() if k not in self.PREFIX_KEYS}
        for key in self.PREFIX_KEYS:
            values = [v.strip() for v in re.split(r"[,，\s]+", data.get(key) or "") if v.strip()]
            if values:
                scope[key] = values
        return scope

    def service_kwargs(self, *, base_scope: dict | None = None) -> dict:
        """The service's arguments. The form edits the scope's region and industry prefixes; the
        other dimensions stay as in `base_scope` (the plan item's, or the task's own)."""
        data = self.cleaned_data
        scope = self.scope_from(base_scope)
        kwargs = {
            "title": data["title"],
            "participating_departments": list(data["participating_departments"]),
            "matters": list(data["matters"]),
            "scope": scope,
            "strata": {
                c: {"rate_bp": percent_to_bp(data[name])} for c, name in self.RATE_FIELDS.items()
            },
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

    def plan_item_for_reference(self):
        """The plan item whose terms are shown beside the rates (the task's, or the chosen one)."""
        if self.task is not None:
            return self.task.plan_item
        if self.is_bound:
            value = self.data.get("plan_item")
            queryset = cast(forms.ModelChoiceField, self.fields["plan_item"]).queryset
            assert queryset is not None  # set in __init__
            return queryset.filter(pk=value).first() if str(value).isdigit() else None
        return self.initial.get("plan_item")

    def rate_rows(self) -> list[dict]:
        plan_item = self.plan_item_for_reference()
        ratios = (plan_item.ratios or {}) if plan_item is not None else {}
        labels = dict(RiskClass.choices)
        return [
            {
                "label": labels[c],
                "field": self[name],
                "plan": format_bp(ratios.get(c)) if plan_item is not None else None,
            }
            for c, name in self.RATE_FIELDS.items()
        ]

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
            **{
                name: bp_to_percent((plan_item.ratios or {}).get(c, 0))
                for c, name in cls.RATE_FIELDS.items()
            },
        }

    @classmethod
    def initial_for(cls, task) -> dict:
        initial = {
            "title": task.title,
            "adhoc_reason": task.adhoc_reason,
            "participating_departments": list(task.participating_departments.all()),
            "matters": list(task.matters.filter(is_common=False)),
            "deviation_reason": task.deviation_reason,
            "region_prefixes": ", ".join(task.scope.get("region_prefixes", [])),
            "industry_prefixes": ", ".join(task.scope.get("industry_prefixes", [])),
            **{
                name: bp_to_percent(task.strata.get(c, {}).get("rate_bp", 0))
                for c, name in cls.RATE_FIELDS.items()
            },
            "groups": task.groups,
            "start_date": task.start_date,
            "end_date": task.end_date,
            "inspection_method": task.inspection_method,
            "second_witness": task.second_witness,
        }
        keys = {
            d.code: str(d.pk)
            for d in Department.objects.filter(code__in=list(task.group_composition or {}))
        }
        keys[EXPERT_DEPARTMENT] = cls.EXPERT_KEY
        for code, members in (task.group_composition or {}).items():
            if code in keys:
                initial[f"members_{keys[code]}"] = members
        for code, tags in (task.required_tags or {}).items():
            if code in keys:
                initial[f"tags_{keys[code]}"] = list(tags)
        return initial


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("编号或名称"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *TaskStatus.choices], required=False
    )
    department = forms.ChoiceField(label=_("部门"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(kind="department").order_by("code")
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", _("全部"))] + [
            (code, short or name)
            for code, name, short in departments.values_list("code", "name", "short_name")
        ]


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
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
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

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("bundle_file") and not (data.get("bundle_text") or "").strip():
            raise forms.ValidationError(_("请上传数据包文件或粘贴其内容。"))
        return data

"""Forms of the inspection pages. The record form is built from the record's own check points and
works on a phone: radio buttons per check point, the camera for photos."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.choices import InspectionMethod
from tasks.inspections.choices import (
    AttachmentKind,
    CommissionKind,
    MeasureKind,
    ResultCategory,
    ResultStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("对象名称或代码"), required=False)
    status = forms.ChoiceField(
        label=_("结果状态"), required=False, choices=[("", _("全部")), *ResultStatus.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期未录入"), required=False)


class ScheduleForm(forms.Form):
    """One date per inspection of the group (field `date_<inspection id>`)."""

    def __init__(self, *args, inspections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inspections = list(inspections)
        for inspection in self.inspections:
            self.fields[f"date_{inspection.pk}"] = forms.DateField(
                label=inspection.inspection_object.name,
                required=False,
                widget=DATE,
                initial=inspection.scheduled_on,
            )

    def dates(self) -> dict:
        return {
            inspection.pk: self.cleaned_data.get(f"date_{inspection.pk}")
            for inspection in self.inspections
        }


class RecordForm(forms.Form):
    """The department's record: one radio group (and a note) per check point, then the methods,
    the date, what was found and the opinions."""

    methods = forms.MultipleChoiceField(
        label=_("采用的检查方式"),
        choices=InspectionMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    inspected_on = forms.DateField(label=_("检查日期"), required=False, widget=DATE)
    findings = forms.CharField(
        label=_("现场检查情况"), required=False, widget=_textarea(4), max_length=5000
    )
    opinion = forms.CharField(
        label=_("检查意见"), required=False, widget=_textarea(), max_length=2000
    )
    object_opinion = forms.CharField(
        label=_("被检查对象意见"), required=False, widget=_textarea(2), max_length=2000
    )
    object_representative = forms.CharField(
        label=_("被检查对象负责人（签字人）"), required=False, max_length=50
    )
    problem_found = forms.TypedChoiceField(
        label=_("本事项结论"),
        required=False,
        choices=[("", _("按各要点结论判断")), ("0", _("未发现问题")), ("1", _("发现问题"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_rows = []
        for answer in record.answers.all():
            choice = forms.ChoiceField(
                label=f"{answer.position}. {answer.text}",
                choices=[(value, value) for value in answer.allowed_answers],
                widget=forms.RadioSelect,
                required=False,
                initial=answer.answer or None,
            )
            note = forms.CharField(
                label=_("说明"), required=False, max_length=500, initial=answer.note
            )
            self.fields[f"answer_{answer.position}"] = choice
            self.fields[f"note_{answer.position}"] = note
            self.answer_rows.append(
                (answer, self[f"answer_{answer.position}"], self[f"note_{answer.position}"])
            )
        if not self.is_bound:
            self.initial.update(
                methods=record.methods,
                inspected_on=record.inspected_on,
                findings=record.findings,
                opinion=record.opinion,
                object_opinion=record.object_opinion,
                object_representative=record.object_representative,
                problem_found=""
                if record.problem_found is None
                else ("1" if record.problem_found else "0"),
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        answers = [
            {
                "position": answer.position,
                "answer": data.get(f"answer_{answer.position}") or "",
                "note": data.get(f"note_{answer.position}") or "",
            }
            for answer, _choice, _note in self.answer_rows
        ]
        return {
            "answers": answers,
            "methods": data["methods"],
            "inspected_on": data["inspected_on"],
            "findings": data["findings"],
            "opinion": data["opinion"],
            "object_opinion": data["object_opinion"],
            "object_representative": data["object_representative"],
            "problem_found": data["problem_found"],
        }

    @property
    def detail_fields(self):
        return [
            self[name]
            for name in (
                "methods",
                "inspected_on",
                "findings",
                "opinion",
                "object_opinion",
                "object_representative",
                "problem_found",
            )
        ]


class PhotoForm(forms.Form):
    """Taken with the phone's camera in the field (accept image/*, capture)."""

    file = forms.FileField(
        label=_("拍照或选择照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("照片说明"), required=False, max_length=200)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=AttachmentKind.choices, initial=AttachmentKind.SCAN
    )
    file = forms.FileField(
        label=_("文件（JPEG、PNG、WebP 或 PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    caption = forms.CharField(label=_("说明"), required=False, max_length=200)
    commissioned_check = forms.TypedChoiceField(
        label=_("所属委托检查（检测报告）"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        checks = list(record.commissioned_checks.all()) if record is not None else []
        cast(forms.TypedChoiceField, self.fields["commissioned_check"]).choices = [
            ("", _("不属于委托检查"))
        ] + [(check.pk, f"{check.body}：{check.subject}") for check in checks]
        if not checks:
            del self.fields["commissioned_check"]


class CommissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("委托类型"), choices=CommissionKind.choices)
    body = forms.CharField(label=_("受托机构"), max_length=200)
    subject = forms.CharField(label=_("委托事项（样品或内容）"), max_length=300)
    commissioned_on = forms.DateField(label=_("委托日期"), widget=DATE)


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("结论"), widget=_textarea(2), max_length=5000)
    concluded_on = forms.DateField(label=_("结论日期"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=_textarea(2), max_length=2000)


def member_departments():
    return Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True).order_by(
        "code"
    )


class CompileForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("检查结果"),
        choices=ResultCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选；“未发现问题”不能与其他结果同时选择。"),
    )
    completed_on = forms.DateField(label=_("检查完成日期"), widget=DATE)
    pending_departments = forms.ModelMultipleChoiceField(
        label=_("待后续处理的主管部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选择“发现问题待后续处理”时必填。"),
    )
    remarks = forms.CharField(label=_("备注"), required=False, widget=_textarea(2), max_length=2000)

    def __init__(self, *args, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["pending_departments"]
        ).queryset = member_departments()
        if result is not None and not self.is_bound:
            self.initial.update(
                categories=result.categories,
                completed_on=result.completed_on,
                pending_departments=list(result.pending_departments.all()),
                remarks=result.remarks,
            )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("处置措施"), choices=MeasureKind.choices)
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Department.objects.none())
    notified_department = forms.ModelChoiceField(
        label=_("抄告部门"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("仅“抄告相关部门”填写。"),
    )
    receiving_body = forms.CharField(
        label=_("接收机关"),
        required=False,
        max_length=200,
        help_text=_("移送案件线索或司法机关时填写。"),
    )
    description = forms.CharField(label=_("问题与处置要求"), widget=_textarea(3), max_length=5000)
    deadline_on = forms.DateField(
        label=_("期限"),
        required=False,
        widget=DATE,
        help_text=_("责令整改的整改期限；留空按默认工作日数计算。"),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [d.pk for d in departments]
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)  # the model-choice fields
        fields["department"].queryset = Department.objects.filter(pk__in=ids).order_by("code")
        fields["notified_department"].queryset = member_departments()


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("签收意见"), required=False, widget=_textarea(2), max_length=2000
    )


class RecheckForm(forms.Form):
    recheck_on = forms.DateField(label=_("复查日期"), widget=DATE)
    note = forms.CharField(label=_("复查情况"), widget=_textarea(2), max_length=5000)


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("处置结果"), widget=_textarea(2), max_length=5000)
    outcome_on = forms.DateField(label=_("办结日期"), widget=DATE)


class CombineForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    visit_on = forms.DateField(label=_("合并检查日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class MeasureFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("范围"),
        required=False,
        choices=[
            ("mine", _("本部门承办")),
            ("notified", _("抄告本部门")),
            ("lead", _("本部门牵头任务")),
        ],
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("open", _("跟踪中")), ("overdue", _("已逾期")), ("all", _("全部"))],
    )

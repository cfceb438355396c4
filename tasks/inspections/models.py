"""Inspection work after the draw: visits, each department's records, the group's result, its
archived versions, follow-up measures and combined visits (imported by tasks.models).

How the pieces hang together (printing and the public site read them through
tasks.inspections.printables and the selectors):

    Task ─┬─ Inspection (one per drawn object: its group, the date the leader sets)
          │    ├─ MatterRecord (one per matter and implementing department: the department's
          │    │    on-site record; RecordAnswer per check point; CommissionedCheck; Attachment)
          │    └─ InspectionResult (the leader's compiled result, reviewed by the lead department)
          │         ├─ ResultVersion (insert-only: each approval freezes the whole result)
          │         └─ FollowUpMeasure (tracked to closure; may carry Attachments)
          └─ CombinedVisit (an object drawn by two tasks in overlapping periods, visited once)

Nothing here is ever deleted (database triggers refuse it, migration 0005): the records are an
archive kept at least two years (000 art. 19); corrections are new versions with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import InspectionMethod
from tasks.inspections.choices import (
    AttachmentKind,
    CombinedVisitStatus,
    CommissionKind,
    ConsentStatus,
    MeasureKind,
    MeasureStatus,
    RecordStatus,
    ResultCategory,
    ResultStatus,
)
from tasks.inspections.storage import attachment_storage, attachment_upload_to


def category_labels(categories: list[str]) -> list[str]:
    labels = dict(ResultCategory.choices)
    return [str(labels.get(category, category)) for category in categories]


class Inspection(models.Model):
    """The visit of one drawn object by its group within a task (the inspection act that gets a
    result). Opened for every object of the standing draw when the task starts; the group leader
    sets the date. `combined_visit` is set when two tasks' lead departments agreed to visit the
    object once together."""

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("任务"), on_delete=models.PROTECT, related_name="inspections"
    )
    drawn_object = models.OneToOneField(
        "tasks.DrawnObject",
        verbose_name=_("抽中对象"),
        on_delete=models.PROTECT,
        related_name="inspection",
    )
    inspection_object = models.ForeignKey(
        "registries.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    group_id = models.CharField(_("检查组"), max_length=10)
    scheduled_on = models.DateField(_("检查日期"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scheduled_at = models.DateTimeField(_("安排时间"), null=True, blank=True)
    combined_visit = models.ForeignKey(
        "tasks.CombinedVisit",
        verbose_name=_("合并检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["task_id", "group_id", "pk"]
        indexes = [
            models.Index(fields=["task", "group_id"], name="inspection_task_group_idx"),
            models.Index(fields=["scheduled_on"], name="inspection_scheduled_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}·{self.group_id}·{self.drawn_object_id}"


class InspectionResult(models.Model):
    """The group's compiled result (检查结果) of one inspection: the working copy the group leader
    enters and submits and the lead department's reviewer approves or returns. Each approval
    freezes a `ResultVersion` (the archive); `published_version` is what the public sees, so a
    correction in progress never changes what was published.

    `due_on` is the legal deadline for entering the result: 20 working days after the inspection
    of the object ended (000 art. 16), counted from the task's end while no date is recorded."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="result"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.OPEN
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    categories = ArrayField(
        models.CharField(max_length=30, choices=ResultCategory.choices),
        verbose_name=_("检查结果"),
        default=list,
        blank=True,
    )
    pending_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("待后续处理的主管部门"),
        related_name="+",
        blank=True,
    )
    remarks = models.TextField(_("备注"), blank=True)
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    due_on = models.DateField(_("结果录入期限"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    correction_reason = models.TextField(_("更正原因"), blank=True)
    approved_version = models.ForeignKey(
        "tasks.ResultVersion",
        verbose_name=_("最近审核通过的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_version = models.ForeignKey(
        "tasks.ResultVersion",
        verbose_name=_("已公示的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(categories__contains=[ResultCategory.NO_PROBLEM])
                | Q(categories__len=1),
                name="result_no_problem_excludes_others",
            ),
            models.CheckConstraint(
                condition=~Q(status=ResultStatus.PUBLISHED) | Q(published_version__isnull=False),
                name="result_published_has_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="result_version_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="result_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} v{self.version} {self.status}"

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def category_labels(self) -> list[str]:
        return category_labels(self.categories)


class ResultVersion(models.Model):
    """An approved result frozen with everything behind it (categories, remarks, follow-up
    measures, every department's records with their answers, opinions, commissioned checks and
    the list of attachments with their SHA-256): the archive entry. Insert-only (a trigger
    refuses UPDATE and DELETE). `categories` and `completed_on` are copied out of `content` for
    the draw's "recently clean" rule."""

    result = models.ForeignKey(
        InspectionResult,
        verbose_name=_("检查结果"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("版本号"))
    reason = models.TextField(_("更正原因"), blank=True)
    categories = ArrayField(
        models.CharField(max_length=30, choices=ResultCategory.choices),
        verbose_name=_("检查结果"),
        default=list,
    )
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    content = models.JSONField(_("内容"))
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核通过时间"))
    retain_until = models.DateField(_("至少保存至"))

    class Meta:
        verbose_name = _("检查结果版本")
        verbose_name_plural = _("检查结果版本")
        ordering = ["result", "number"]
        constraints = [
            models.UniqueConstraint(fields=["result", "number"], name="resultversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} v{self.number}"

    @property
    def category_labels(self) -> list[str]:
        return category_labels(self.categories)


class MatterRecord(models.Model):
    """One department's on-site record (实地核查记录表) of one matter at one inspection: an answer
    per check point (`RecordAnswer`, the matter's form frozen when the record was opened), the
    methods used, what was found, the inspectors' and the object's opinions, commissioned checks
    and attachments. Only the department's own members of the group enter it ("谁检查、谁录入")."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="records"
    )
    matter = models.ForeignKey(
        "catalog.Matter", verbose_name=_("抽查事项"), on_delete=models.PROTECT, related_name="+"
    )
    matter_revision = models.PositiveIntegerField(_("事项版本"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("检查部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    methods = ArrayField(
        models.CharField(max_length=20, choices=InspectionMethod.choices),
        verbose_name=_("检查方式"),
        default=list,
        blank=True,
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    findings = models.TextField(_("现场检查情况"), blank=True)
    opinion = models.TextField(_("检查意见"), blank=True)
    object_opinion = models.TextField(_("被检查对象意见"), blank=True)
    object_representative = models.CharField(
        _("被检查对象负责人（签字人）"), max_length=50, blank=True
    )
    problem_found = models.BooleanField(_("发现问题"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["inspection_id", "department_id", "matter_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "matter", "department"], name="matterrecord_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.matter_id}/{self.department_id}"

    @property
    def method_labels(self) -> list[str]:
        labels = dict(InspectionMethod.choices)
        return [str(labels.get(method, method)) for method in self.methods]


class RecordAnswer(models.Model):
    """The answer to one check point of a record. The check point's text, basis, method and
    allowed answers are copied from the catalog when the record opens, so a later change of the
    matter's form never rewrites what was checked."""

    record = models.ForeignKey(
        MatterRecord, verbose_name=_("检查记录"), on_delete=models.PROTECT, related_name="answers"
    )
    position = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("检查要点"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    method = models.CharField(_("检查方式"), max_length=20, choices=InspectionMethod.choices)
    allowed_answers = ArrayField(
        models.CharField(max_length=30), verbose_name=_("可选结论"), default=list
    )
    answer = models.CharField(_("结论"), max_length=30, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("检查要点结论")
        verbose_name_plural = _("检查要点结论")
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="recordanswer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}#{self.position} {self.answer}"


class CommissionedCheck(models.Model):
    """A check commissioned from a qualified body (检验检测、财务审计、调查咨询、鉴定, 000 art. 15):
    the body, what it was asked, and its conclusion once it arrives (the report is an Attachment
    pointing here)."""

    record = models.ForeignKey(
        MatterRecord,
        verbose_name=_("检查记录"),
        on_delete=models.PROTECT,
        related_name="commissioned_checks",
    )
    kind = models.CharField(_("委托类型"), max_length=12, choices=CommissionKind.choices)
    body = models.CharField(_("受托机构"), max_length=200)
    subject = models.CharField(_("委托事项"), max_length=300)
    commissioned_on = models.DateField(_("委托日期"))
    conclusion = models.TextField(_("结论"), blank=True)
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("委托检查")
        verbose_name_plural = _("委托检查")
        ordering = ["record", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | ~Q(conclusion=""),
                name="commissionedcheck_concluded_has_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.subject}"


class FollowUpMeasure(models.Model):
    """A follow-up measure (后续处置措施) of a result with problems, tracked until it is closed
    with a recorded outcome. `department` carries it out; a notification (抄告) names the
    `notified_department`, which acknowledges it. A rectification has a deadline and a
    re-inspection."""

    result = models.ForeignKey(
        InspectionResult,
        verbose_name=_("检查结果"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("处置措施"), max_length=12, choices=MeasureKind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("抄告部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiving_body = models.CharField(
        _("接收机关"), max_length=200, blank=True, help_text=_("执法机构或司法机关的名称")
    )
    description = models.TextField(_("问题与处置要求"))
    deadline_on = models.DateField(_("期限"), null=True, blank=True)
    recheck_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_note = models.TextField(_("复查情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("签收意见"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    outcome = models.TextField(_("处置结果"), blank=True)
    outcome_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("后续处置措施")
        verbose_name_plural = _("后续处置措施")
        ordering = ["result", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.CLOSED)
                | (~Q(outcome="") & Q(outcome_on__isnull=False) & Q(closed_at__isnull=False)),
                name="measure_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MeasureKind.NOTIFY)
                | (
                    Q(notified_department__isnull=False)
                    & ~Q(notified_department=models.F("department"))
                ),
                name="measure_notify_names_other_department",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MeasureKind.RECTIFY) | Q(deadline_on__isnull=False),
                name="measure_rectify_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="measure_dept_status_idx"),
            models.Index(fields=["notified_department", "status"], name="measure_notified_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.result_id}"


class Attachment(models.Model):
    """A photo, scan or report attached to a record (or to a follow-up measure, as evidence of
    rectification). The content is checked on upload (its bytes, not its name), stored outside
    the web root under a random name and only ever served through an access check. Never
    deleted; one uploaded by mistake is withdrawn with a reason and stays in the archive."""

    record = models.ForeignKey(
        MatterRecord,
        verbose_name=_("检查记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    measure = models.ForeignKey(
        FollowUpMeasure,
        verbose_name=_("后续处置措施"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    commissioned_check = models.ForeignKey(
        CommissionedCheck,
        verbose_name=_("委托检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    kind = models.CharField(_("类型"), max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(
        _("文件"), storage=attachment_storage, upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("内容类型"), max_length=40)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(measure__isnull=True))
                | (Q(record__isnull=True) & Q(measure__isnull=False)),
                name="attachment_belongs_to_record_or_measure",
            ),
            models.CheckConstraint(
                condition=Q(commissioned_check__isnull=True) | Q(record__isnull=False),
                name="attachment_report_on_record",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CombinedVisit(models.Model):
    """One visit (进一次门、查多项事) to an object drawn by two tasks in overlapping periods. One
    lead department proposes a date, the other lead department agrees (or declines with a
    reason); once agreed, both inspections take the date and each department still records its
    own matters in its own task."""

    inspection_object = models.ForeignKey(
        "registries.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="combined_visits",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CombinedVisitStatus.choices,
        default=CombinedVisitStatus.PROPOSED,
    )
    visit_on = models.DateField(_("合并检查日期"))
    note = models.TextField(_("说明"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提议人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提议时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("商定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合并检查")
        verbose_name_plural = _("合并检查")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.inspection_object_id} {self.visit_on}"


class CombinedVisitPart(models.Model):
    """One task's inspection in a combined visit and its lead department's consent. `is_open`
    (the visit is proposed or agreed) lets the database refuse an inspection in two visits."""

    visit = models.ForeignKey(
        CombinedVisit, verbose_name=_("合并检查"), on_delete=models.PROTECT, related_name="parts"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="combined_parts",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("意见"), max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    is_open = models.BooleanField(_("进行中"), default=True)

    class Meta:
        verbose_name = _("合并检查参与任务")
        verbose_name_plural = _("合并检查参与任务")
        ordering = ["visit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "inspection"], name="combinedvisitpart_unique"
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(is_open=True),
                name="combinedvisitpart_one_open_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.inspection_id} {self.status}"

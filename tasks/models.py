"""Joint inspection tasks (联合抽查任务) and their audited random draws (ssj-draw/1).

A task is created by its lead department, reviewed jointly (会审) by the participating departments
and drawn by the lead department. Every draw is a `Draw` row with its own insert-only hash chain
(`DrawLogEntry`); a drawn list is never edited, a redraw is a new Draw that points at the old one.
"""

from __future__ import annotations

import gzip
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import InspectionMethod
from tasks.choices import (
    DrawKind,
    DrawState,
    ReplacementCategory,
    ReviewRole,
    ReviewStatus,
    TaskStatus,
    VerificationStatus,
)

TASK_CODE_RE = r"^[A-Z0-9][A-Z0-9-]{2,31}$"
# Stage 2 retries at most this often (draw-protocol.md §5): the platform never announces more, and
# its verification page recomputes no more (tasks.draw.verify has the same default limit).
MAX_ATTEMPTS_LIMIT = 100
WITNESS_TASK = "tasks.witness_task"


def default_reveal_delay_minutes() -> int:
    """The policy's first value: settings.DRAW_REVEAL_DELAY_MINUTES (the office changes it later)."""
    return int(getattr(settings, "DRAW_REVEAL_DELAY_MINUTES", 10))


class TaskPolicy(models.Model):
    """Office-wide settings for tasks and draws (a single row, pk=1)."""

    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("会审未答复上报联席办（工作日）"), default=3
    )
    remind_every_working_days = models.PositiveSmallIntegerField(
        _("会审提醒间隔（工作日）"), default=1
    )
    low_risk_yearly_limit = models.PositiveSmallIntegerField(
        _("低风险（A类）对象每年最多检查次数"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("003 II：低风险对象每年至多检查2次。达到次数的对象不再列入当年的候选名单。"),
    )
    clean_result_months = models.PositiveSmallIntegerField(
        _("检查未发现问题后不再抽取的月数"),
        null=True,
        blank=True,
        help_text=_("留空表示不启用；按对象最近一次审核通过的检查结果判断。"),
    )
    reveal_delay_minutes = models.PositiveIntegerField(
        _("公告后最早多少分钟可以揭示"),
        default=default_reveal_delay_minutes,
        validators=[MaxValueValidator(60 * 24 * 30)],
        help_text=_("公告写明最早揭示时间，在此之前不能揭示，以便公众在抽取前存档公告。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("抽查任务规则")
        verbose_name_plural = _("抽查任务规则")

    def __str__(self) -> str:
        return str(_("抽查任务规则"))

    @classmethod
    def current(cls) -> TaskPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Task(models.Model):
    """A joint inspection task (联合抽查任务), from an approved plan item or ad hoc with a reason
    the office approves. `code` is ASCII and is the protocol's task_id."""

    code = models.CharField(
        _("任务编号"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(TASK_CODE_RE, _("任务编号只能包含大写字母、数字和连字符。"))],
    )
    title = models.CharField(_("任务名称"), max_length=200)
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("参与部门"), related_name="joined_tasks", blank=True
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("计划事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    adhoc_reason = models.TextField(_("临时任务事由"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_terms = models.JSONField(
        _("批准的任务要素"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("联席办批准时的范围、比例、事项和参与部门；抽取参数必须与之一致。"),
    )
    deviation_reason = models.TextField(
        _("偏离计划事项的理由"),
        blank=True,
        help_text=_(
            "任务的范围、比例、事项或参与部门与计划事项不一致时，须说明理由并经联席办审批。"
        ),
    )
    matters = models.ManyToManyField(
        "catalog.Matter", verbose_name=_("抽查事项"), related_name="tasks"
    )
    scope = models.JSONField(_("抽查对象范围"), default=dict, blank=True)
    strata = models.JSONField(
        _("分类抽查比例"), default=dict, help_text=_("{风险分类: {rate_bp: 基点} 或 {count: 户数}}")
    )
    groups = models.PositiveIntegerField(_("检查组数"), default=1)
    group_composition = models.JSONField(
        _("每组人员构成"), default=dict, help_text=_("{部门代码: 每组人数}")
    )
    required_tags = models.JSONField(_("各部门资格要求"), default=dict, blank=True)
    start_date = models.DateField(_("检查开始日期"))
    end_date = models.DateField(_("检查结束日期"))
    inspection_method = models.CharField(
        _("检查方式"),
        max_length=20,
        choices=InspectionMethod.choices,
        default=InspectionMethod.ON_SITE,
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("最多分配尝试次数"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTEMPTS_LIMIT)],
    )
    second_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("第二见证人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "单部门任务须在公告前指定第二见证人：纪检监督人员，或经联席办指定的部门负责人。"
        ),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.DRAFT
    )
    last_return_reason = models.TextField(_("最近退回原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    started_at = models.DateTimeField(_("开始检查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联合抽查任务")
        verbose_name_plural = _("联合抽查任务")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="task_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(groups__gte=1), name="task_groups_positive"),
            models.CheckConstraint(
                condition=~Q(plan_item__isnull=True) | ~Q(adhoc_reason=""),
                name="task_adhoc_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="task_status_idx")]
        permissions = [("witness_task", _("可作为该任务抽取的第二见证人"))]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def deviates_from_plan(self) -> bool:
        """Made from a plan item but with other participants, rates, scope or fewer matters."""
        if self.plan_item_id is None:
            return False
        from tasks.services.terms import plan_item_terms, task_terms, terms_deviate

        return terms_deviate(task_terms(self), plan_item_terms(self.plan_item))

    @property
    def needs_approval(self) -> bool:
        return self.is_adhoc or self.deviates_from_plan

    @property
    def is_adhoc(self) -> bool:
        return self.plan_item_id is None

    @property
    def is_directed(self) -> bool:
        return bool({k: v for k, v in (self.scope or {}).items() if k != "statuses"})


class Draw(models.Model):
    """One draw of a task under ssj-draw/1: its frozen inputs (gzip'd canonical files), the
    commitment, the sealed secret (readable only by the platform until the reveal), the witnesses,
    the seed and the result. Never edited after the result; voiding is a state plus a log entry."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="draws"
    )
    number = models.PositiveIntegerField(_("抽取序号"))
    kind = models.CharField(
        _("类型"), max_length=12, choices=DrawKind.choices, default=DrawKind.DRAW
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=DrawState.choices, default=DrawState.ANNOUNCED
    )
    protocol_task_id = models.CharField(_("协议任务标识"), max_length=64)
    sealed_secret = models.BinaryField(_("加密保存的秘密值"), editable=False)
    revealed_secret = models.CharField(_("揭示的秘密值"), max_length=64, blank=True)
    commitment = models.CharField(_("承诺值 C=H(S)"), max_length=64)
    beacon = models.CharField(_("信标"), max_length=120, default="none")
    snapshots = models.JSONField(_("输入哈希"), default=dict)
    params = models.JSONField(_("参数"), default=dict)
    candidate_file = models.BinaryField(_("候选对象文件（gzip）"), editable=False)
    inspector_file = models.BinaryField(_("检查人员文件（gzip）"), editable=False)
    conflict_file = models.BinaryField(_("回避文件（gzip）"), editable=False)
    candidate_count = models.PositiveIntegerField(_("候选对象数"), default=0)
    must_count = models.PositiveIntegerField(_("必查对象数"), default=0)
    inspector_count = models.PositiveIntegerField(_("检查人员数"), default=0)
    conflict_count = models.PositiveIntegerField(_("回避关系数"), default=0)
    must_reasons = models.JSONField(_("必查原因"), default=dict, blank=True)
    selection_notes = models.JSONField(_("候选筛选说明"), default=dict, blank=True)
    witnesses = models.JSONField(_("见证值（按记录顺序）"), default=list, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_hash = models.CharField(_("结果哈希"), max_length=64, blank=True)
    head_hash = models.CharField(_("日志链头哈希"), max_length=64, blank=True)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公告人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    announced_at = models.DateTimeField(_("公告时间"))
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("揭示人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取完成时间"), null=True, blank=True)
    redraw_of = models.ForeignKey(
        "self",
        verbose_name=_("重抽自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redraws",
    )
    redraw_reason = models.TextField(_("重抽原因"), blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_request_reason = models.TextField(_("申请撤回原因"), blank=True)
    withdraw_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdraw_requested_at = models.DateTimeField(_("申请撤回时间"), null=True, blank=True)
    withdraw_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reveal_not_before = models.DateTimeField(_("最早揭示时间"), null=True, blank=True)
    job_attempts = models.PositiveSmallIntegerField(_("抽取作业运行次数"), default=0)
    job_queued_at = models.DateTimeField(_("抽取作业排队时间"), null=True, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True)
    void_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_requested_at = models.DateTimeField(_("申请作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    # Replacement draws (kind=replacement) only:
    parent_draw = models.ForeignKey(
        "self",
        verbose_name=_("所替补的抽取"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
    )
    replaced_inspector_code = models.CharField(_("被替换人员编码"), max_length=32, blank=True)
    replaced_group = models.CharField(_("所在检查组"), max_length=10, blank=True)
    replacement_reason = models.TextField(_("替补原因（仅联席办可见）"), blank=True)
    replacement_category = models.CharField(
        _("替补原因类别"), max_length=12, choices=ReplacementCategory.choices, blank=True
    )

    class Meta:
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="draw_unique_number"),
            # At most one open announcement per task, and one standing (drawn) main draw: the
            # database itself refuses a second concurrent draw.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state__in=["announced", "drawing"], kind="draw"),
                name="draw_single_open_announcement",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="drawn", kind="draw"),
                name="draw_single_standing_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_task_id}"

    @property
    def is_revealed(self) -> bool:
        return bool(self.revealed_secret)

    @property
    def has_bundle(self) -> bool:
        """A completed (possibly later voided) draw publishes its bundle (draw-protocol.md §8)."""
        return self.state in (DrawState.DRAWN, DrawState.VOIDED) and self.result is not None

    @staticmethod
    def pack(data: bytes) -> bytes:
        return gzip.compress(data, compresslevel=1, mtime=0)

    @staticmethod
    def unpack(blob) -> list[str]:
        text = gzip.decompress(bytes(blob)).decode("utf-8")
        return text.split("\n")[:-1] if text else []

    def candidate_rows(self) -> list[str]:
        return self.unpack(self.candidate_file)

    def inspector_rows(self) -> list[str]:
        return self.unpack(self.inspector_file)

    def conflict_rows(self) -> list[str]:
        return self.unpack(self.conflict_file)


class DrawReview(models.Model):
    """One department's answer in the joint review of an announced draw (会审): it confirms with
    its witness entry or returns the task with a reason. For a single-department task, one row
    with role second_person stands for the named second witness."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="reviews"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("角色"), max_length=16, choices=ReviewRole.choices, default=ReviewRole.DEPARTMENT
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    witness_value = models.CharField(_("见证值"), max_length=200, blank=True)
    witness_name = models.CharField(_("见证人"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    last_reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报联席办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会审意见")
        verbose_name_plural = _("会审意见")
        ordering = ["draw", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "department", "role"], name="drawreview_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw} {self.department.code} {self.status}"


class DrawLogEntry(models.Model):
    """One §7a entry of a draw's own hash chain. Insert-only (a trigger rejects UPDATE/DELETE)."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="log_entries"
    )
    seq = models.PositiveIntegerField(_("序号"))
    prev = models.CharField(_("前一条哈希"), max_length=64)
    ts = models.CharField(_("时间"), max_length=20)
    type = models.CharField(_("类型"), max_length=16)
    actor = models.CharField(_("操作方"), max_length=32)
    data = models.JSONField(_("内容"), default=dict)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("抽取日志")
        verbose_name_plural = _("抽取日志")
        ordering = ["draw", "seq"]
        constraints = [models.UniqueConstraint(fields=["draw", "seq"], name="drawlog_unique_seq")]

    def __str__(self) -> str:
        return f"{self.draw_id}#{self.seq} {self.type}"

    def as_entry(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "prev": self.prev,
            "ts": self.ts,
            "type": self.type,
            "actor": self.actor,
            "data": self.data,
            "hash": self.hash,
        }


class DrawnObject(models.Model):
    """An object drawn by a draw (stage 1) and the group it was dealt to (stage 2)."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="drawn_objects"
    )
    inspection_object = models.ForeignKey(
        "registries.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="draws",
    )
    code = models.CharField(_("统一社会信用代码"), max_length=18)
    stratum = models.CharField(
        _("抽取依据"), max_length=8, help_text=_("风险分类，或 MUST（必查）")
    )
    group_id = models.CharField(_("检查组"), max_length=10)

    class Meta:
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        ordering = ["draw", "code"]
        constraints = [models.UniqueConstraint(fields=["draw", "code"], name="drawnobject_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.group_id}"


class GroupMember(models.Model):
    """A member of a drawn inspection group. A replacement draw marks the member it replaces
    (`replaced_by`) and adds the new member with `added_by`; nothing else ever changes."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="members"
    )
    group_id = models.CharField(_("检查组"), max_length=10)
    code = models.CharField(_("人员编码"), max_length=32)
    department_code = models.CharField(_("部门"), max_length=16)
    inspector = models.ForeignKey(
        "registries.Inspector",
        verbose_name=_("执法检查人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expert = models.ForeignKey(
        "registries.Expert",
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_leader = models.BooleanField(_("组长"), default=False)
    added_by = models.ForeignKey(
        Draw,
        verbose_name=_("替补抽取"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="added_members",
    )
    replaced_by = models.ForeignKey(
        Draw,
        verbose_name=_("被替换于"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_members",
    )

    class Meta:
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        ordering = ["draw", "group_id", "-is_leader", "code"]
        indexes = [models.Index(fields=["code"], name="groupmember_code_idx")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.code}"


class VerificationRequest(models.Model):
    """A bundle sent to the public verification page that is too large to check within the request:
    a Celery job verifies it and the result page (reached by its random token) shows the report.
    Kept for a few days, then deleted by beat."""

    token = models.UUIDField(_("查询码"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.QUEUED,
    )
    bundle = models.BinaryField(_("数据包（gzip）"), editable=False)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    report = models.JSONField(_("验证报告"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据包验证请求")
        verbose_name_plural = _("数据包验证请求")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="verifyrequest_status_idx")]

    def __str__(self) -> str:
        return str(self.token)


# Inspection work after the draw (visits, records, results, follow-up): tasks/inspections/models.py
from tasks.inspections.models import (  # noqa: E402
    Attachment,
    CombinedVisit,
    CombinedVisitPart,
    CommissionedCheck,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
    RecordAnswer,
    ResultVersion,
)

__all__ = [
    "Attachment",
    "CombinedVisit",
    "CombinedVisitPart",
    "CommissionedCheck",
    "Draw",
    "DrawLogEntry",
    "DrawReview",
    "DrawnObject",
    "FollowUpMeasure",
    "GroupMember",
    "Inspection",
    "InspectionResult",
    "MatterRecord",
    "RecordAnswer",
    "ResultVersion",
    "Task",
    "TaskPolicy",
    "VerificationRequest",
]

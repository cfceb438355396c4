from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.choices import (
    MergeStatus,
    PlanItemStatus,
    PlanYearStatus,
    SubmissionAction,
    SubmissionStatus,
    VersionStatus,
)


class PlanYear(models.Model):
    """The annual joint random-inspection plan of one year (年度抽查计划, 000 art. 11).

    Departments report their items by `submission_deadline` (30 November of the previous year);
    the office compiles, merges and approves by `approval_deadline` (31 December). The public
    site shows `current_version` (the last approved and published PlanVersion) only.
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanYearStatus.choices, default=PlanYearStatus.COLLECTING
    )
    submission_deadline = models.DateField(_("报送截止日期"))
    approval_deadline = models.DateField(_("审批截止日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("发起时间"))
    compiled_at = models.DateTimeField(_("汇编时间"), null=True, blank=True)
    current_version = models.ForeignKey(
        "plans.PlanVersion",
        verbose_name=_("现行公布版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="planyear_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(year)s年度抽查计划") % {"year": self.year})

    @property
    def is_collecting(self) -> bool:
        return self.status == PlanYearStatus.COLLECTING

    @property
    def items_editable(self) -> bool:
        """Items change while collecting and compiling (a returned department resubmits), and
        during an adjustment; never while the plan waits for approval or stands approved."""
        return self.status in (
            PlanYearStatus.COLLECTING,
            PlanYearStatus.COMPILING,
            PlanYearStatus.ADJUSTING,
        )

    @property
    def is_public(self) -> bool:
        return self.current_version_id is not None


class PlanItem(models.Model):
    """One line of the annual plan: which matters a department checks, on which object scope,
    with which ratio per credit risk class and in which months (001 II.3).

    `department` leads; `participating_departments` join (联合抽查). `scope` is a
    registries.scopes spec; `ratios` maps risk class A/B/C/D to basis points (100 = 1 %).
    """

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="items"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    title = models.CharField(_("任务名称"), max_length=200)
    matters = models.ManyToManyField(
        "catalog.Matter", verbose_name=_("抽查事项"), related_name="plan_items"
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("配合部门"),
        related_name="joined_plan_items",
        blank=True,
    )
    scope = models.JSONField(_("抽查对象范围"), default=dict, blank=True)
    directed = models.BooleanField(_("定向抽查"), default=False)
    ratios = models.JSONField(_("分类抽查比例（基点）"), default=dict, blank=True)
    window_start_month = models.PositiveSmallIntegerField(_("计划开始月份"))
    window_end_month = models.PositiveSmallIntegerField(_("计划结束月份"))
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanItemStatus.choices, default=PlanItemStatus.DRAFT
    )
    notes = models.TextField(_("备注"), blank=True)
    merge_proposal = models.ForeignKey(
        "plans.MergeProposal",
        verbose_name=_("合并方案"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_items",
        help_text=_("采纳的合并方案：与其他部门的事项合并为一次联合抽查（进一次门、查多项事）。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("计划事项")
        verbose_name_plural = _("计划事项")
        ordering = ["plan_year", "department__code", "window_start_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start_month__gte=1, window_start_month__lte=12),
                name="planitem_start_month_range",
            ),
            models.CheckConstraint(
                condition=Q(window_end_month__gte=1, window_end_month__lte=12),
                name="planitem_end_month_range",
            ),
            models.CheckConstraint(
                condition=Q(window_end_month__gte=models.F("window_start_month")),
                name="planitem_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def months(self) -> range:
        return range(self.window_start_month, self.window_end_month + 1)

    @property
    def window_label(self) -> str:
        if self.window_start_month == self.window_end_month:
            return str(_("%(m)s月") % {"m": self.window_start_month})
        return str(_("%(a)s—%(b)s月") % {"a": self.window_start_month, "b": self.window_end_month})


class DepartmentSubmission(models.Model):
    """The state of one department's report for one plan year: drafting, submitted (items locked)
    or returned by the office with a reason. Every submit/return adds a SubmissionEvent."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="submissions"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="plan_submissions",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFTING,
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期提交"), default=False)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submission_count = models.PositiveIntegerField(_("报送次数"), default=0)

    class Meta:
        verbose_name = _("部门报送")
        verbose_name_plural = _("部门报送")
        ordering = ["plan_year", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "department"], name="submission_unique_department_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year.year} {self.department.display_name}"


class SubmissionEvent(models.Model):
    """History of a DepartmentSubmission: each submission and each return, append-only."""

    submission = models.ForeignKey(
        DepartmentSubmission,
        verbose_name=_("部门报送"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("操作"), max_length=12, choices=SubmissionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("原因"), blank=True)
    is_late = models.BooleanField(_("逾期"), default=False)
    item_count = models.PositiveIntegerField(_("事项数"), default=0)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["submission", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class MergeProposal(models.Model):
    """A joint-task candidate proposed by the platform while compiling (进一次门、查多项事):
    items of different departments whose scopes overlap and whose windows intersect."""

    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("年度计划"),
        on_delete=models.CASCADE,
        related_name="merge_proposals",
    )
    items = models.ManyToManyField(
        PlanItem, verbose_name=_("计划事项"), related_name="merge_candidates"
    )
    suggested_lead = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("建议牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    window_start_month = models.PositiveSmallIntegerField(_("开始月份"))
    window_end_month = models.PositiveSmallIntegerField(_("结束月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MergeStatus.choices, default=MergeStatus.PROPOSED
    )
    basis = models.JSONField(_("合并依据"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    comment = models.TextField(_("处理意见"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合并方案")
        verbose_name_plural = _("合并方案")
        ordering = ["plan_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    window_start_month__gte=1,
                    window_end_month__lte=12,
                    window_end_month__gte=models.F("window_start_month"),
                ),
                name="mergeproposal_window_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("合并方案 #%(pk)s") % {"pk": self.pk})

    @property
    def window_label(self) -> str:
        if self.window_start_month == self.window_end_month:
            return str(_("%(m)s月") % {"m": self.window_start_month})
        return str(_("%(a)s—%(b)s月") % {"a": self.window_start_month, "b": self.window_end_month})


class PlanVersion(models.Model):
    """A frozen version of the plan. Approval freezes a JSON snapshot of every item, the merge
    decisions and the indicators; an adjustment during the year opens the next version as a draft
    with its reason. Published approved versions form the public change history."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    reason = models.TextField(_("调整原因"), blank=True)
    snapshot = models.JSONField(_("快照"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)
    returned_comment = models.TextField(_("退回意见"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    audit_hash = models.CharField(_("审批审计哈希"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        ordering = ["plan_year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "number"], name="planversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["plan_year"], condition=Q(status="draft"), name="planversion_single_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year.year} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PeakSeason(models.Model):
    """Peak production months of an industry (000 art. 11: the schedule avoids them).
    Edited by the office; plan item forms warn when their window overlaps."""

    industry_prefix = models.CharField(_("行业代码前缀"), max_length=10)
    months = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("月份"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("生产经营旺季")
        verbose_name_plural = _("生产经营旺季")
        ordering = ["industry_prefix"]

    def __str__(self) -> str:
        return f"{self.industry_prefix} {self.note}"

    @property
    def months_label(self) -> str:
        return "、".join(str(month) for month in sorted(self.months))


class IndicatorTarget(models.Model):
    """The office's target for one indicator in one year (basis points, 100 = 1 %). A year
    without a row uses the default of tasks.indicators.live (003)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("指标"), max_length=32)
    target_bp = models.PositiveIntegerField(_("目标值（基点）"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标目标值")
        verbose_name_plural = _("指标目标值")
        ordering = ["year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="indicatortarget_unique"),
            models.CheckConstraint(
                condition=Q(target_bp__lte=10000), name="indicatortarget_at_most_100_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.key} {self.target_bp}"


class OtherInspection(models.Model):
    """An inspection that was not a random draw (投诉举报、专项检查、转办交办…), recorded or
    imported only so that the random inspections' share has its true denominator (003: random
    inspections ≥ 40 % of all inspections)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉举报核查")
        SPECIAL = "special", _("专项检查")
        REFERRAL = "referral", _("转办交办")
        OTHER = "other", _("其他检查")

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("检查部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("检查类型"), max_length=12, choices=Kind.choices)
    inspected_on = models.DateField(_("检查日期"))
    object_code = models.CharField(_("对象代码"), max_length=32, blank=True)
    object_name = models.CharField(_("对象名称"), max_length=200)
    reference = models.CharField(_("文书编号"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=12, default="manual")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("其他检查")
        verbose_name_plural = _("其他检查")
        ordering = ["-inspected_on", "-pk"]
        indexes = [
            models.Index(fields=["department", "inspected_on"], name="otherinspection_dept_idx"),
            models.Index(fields=["inspected_on"], name="otherinspection_date_idx"),
        ]
        constraints = [
            # The same document imported twice is one inspection, not two.
            models.UniqueConstraint(
                fields=["department", "reference"],
                condition=~Q(reference=""),
                name="otherinspection_unique_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.object_name}"

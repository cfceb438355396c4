from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import (
    ImplementingLevel,
    ImportStatus,
    InspectionMethod,
    MatterCategory,
    MatterStatus,
    ProposalKind,
    ProposalStatus,
    RevisionAction,
)


class Matter(models.Model):
    """A random-inspection matter (抽查事项) of the unified list (一单).

    Only the office changes the list (000 art. 7); every change bumps `revision` and is audited.
    General matters carry a ratio cap (e.g. 5 % = 500 basis points); key matters may go to 100 %.
    """

    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    name = models.CharField(_("抽查事项"), max_length=300)
    field = models.CharField(_("领域"), max_length=100, blank=True)
    legal_basis = models.TextField(_("抽查依据"), blank=True)
    implementing_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("实施主体"),
        related_name="implemented_matters",
        blank=True,
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("配合部门（联合事项）"),
        related_name="joined_matters",
        blank=True,
    )
    object_type = models.CharField(_("抽查对象"), max_length=300, blank=True)
    inspection_content = models.TextField(_("检查内容"), blank=True)
    methods = ArrayField(
        models.CharField(max_length=20, choices=InspectionMethod.choices),
        verbose_name=_("检查方式"),
        default=list,
        blank=True,
    )
    category = models.CharField(
        _("事项类别"), max_length=10, choices=MatterCategory.choices, default=MatterCategory.GENERAL
    )
    ratio_cap_bp = models.PositiveIntegerField(
        _("抽查比例上限（基点）"),
        null=True,
        blank=True,
        help_text=_("一般事项的比例上限，500 = 5%；重点事项不设上限。"),
    )
    frequency = models.CharField(_("抽查频次"), max_length=100, blank=True)
    implementing_level = models.CharField(
        _("实施层级"),
        max_length=10,
        choices=ImplementingLevel.choices,
        default=ImplementingLevel.ALL,
    )
    is_common = models.BooleanField(_("通用事项（并入每项任务）"), default=False)
    list_year = models.PositiveIntegerField(_("清单版本年度"))
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MatterStatus.choices, default=MatterStatus.ACTIVE
    )
    revision = models.PositiveIntegerField(_("修订次数"), default=1)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    compiling_department = models.CharField(_("编制单位"), max_length=100, blank=True)
    implementing_subject_text = models.TextField(
        _("实施主体（原文）"),
        blank=True,
        help_text=_("清单原文；未能对应到本市部门的名称保留在这里。"),
    )
    participating_departments_text = models.TextField(_("配合部门（原文）"), blank=True)
    is_joint = models.BooleanField(_("部门联合抽查事项"), default=False)
    scope = models.JSONField(
        _("对象范围"),
        default=dict,
        blank=True,
        help_text=_("按条件定义的检查对象范围（不逐户指定）。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio_cap_bp__isnull=True) | Q(ratio_cap_bp__lte=10000),
                name="matter_ratio_cap_at_most_100pct",
            ),
            models.CheckConstraint(
                condition=~Q(category="general") | Q(ratio_cap_bp__isnull=False),
                name="matter_general_has_ratio_cap",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="matter_effective_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["source", "status"], name="matter_source_status_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def is_current(self, on=None) -> bool:
        """In force on the given day (default today): active and within its effective dates."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return (
            self.status == MatterStatus.ACTIVE
            and self.effective_from <= on
            and (self.effective_until is None or self.effective_until >= on)
        )

    @property
    def is_key(self) -> bool:
        return self.category == MatterCategory.KEY

    @property
    def effective_cap_bp(self) -> int:
        """The highest sampling ratio a plan may use for this matter, in basis points."""
        return 10000 if self.is_key or self.ratio_cap_bp is None else self.ratio_cap_bp


class CheckPoint(models.Model):
    """One line of a matter's standard inspection form (一张表格管检查), in order."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("抽查事项"), on_delete=models.CASCADE, related_name="check_points"
    )
    position = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("检查要点"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    method = models.CharField(
        _("检查方式"),
        max_length=20,
        choices=InspectionMethod.choices,
        default=InspectionMethod.ON_SITE,
    )
    allowed_answers = ArrayField(
        models.CharField(max_length=30), verbose_name=_("可选结论"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("检查要点")
        verbose_name_plural = _("检查要点")
        ordering = ["matter", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "position"], name="checkpoint_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.code}-{self.position} {self.text}"


class MatterRevision(models.Model):
    """One version of a matter: the full snapshot after a change, who made it, when and why.

    Written by every catalog service that changes a matter, so the list's history can be shown
    and any earlier version reconstructed. Rows are never changed afterwards.
    """

    matter = models.ForeignKey(
        Matter, verbose_name=_("抽查事项"), on_delete=models.CASCADE, related_name="revisions"
    )
    revision = models.PositiveIntegerField(_("修订次数"))
    action = models.CharField(_("操作"), max_length=20, choices=RevisionAction.choices)
    snapshot = models.JSONField(_("快照"), default=dict)
    changes = models.JSONField(
        _("变化"), default=dict, blank=True, help_text=_("字段 → [修改前, 修改后]")
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"))
    matter_import = models.ForeignKey(
        "catalog.MatterImport",
        verbose_name=_("导入批次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposal = models.ForeignKey(
        "catalog.MatterChangeProposal",
        verbose_name=_("调整建议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事项修订记录")
        verbose_name_plural = _("事项修订记录")
        ordering = ["matter", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "revision"], name="matter_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.matter.code} r{self.revision}"


class MatterChangeProposal(models.Model):
    """A department's proposal to add, change or retire a matter (000 art. 7: departments may not
    change the list themselves). The office accepts it (applied through the edit services) or
    rejects it with a reason."""

    kind = models.CharField(_("建议类型"), max_length=10, choices=ProposalKind.choices)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("抽查事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("提出部门"),
        on_delete=models.PROTECT,
        related_name="matter_proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("建议内容"), default=dict, blank=True)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("事项调整建议")
        verbose_name_plural = _("事项调整建议")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="add") | Q(matter__isnull=False),
                name="proposal_change_names_matter",
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="proposal_decided_has_decider",
            ),
        ]

    def __str__(self) -> str:
        target = self.matter.code if self.matter else self.payload.get("name", "")
        return f"{self.get_kind_display()} {target}"


class MatterImport(models.Model):
    """An uploaded provincial list, its parsed preview (diff against the current list) and what
    happened to it. Nothing touches the matters until `matter_import_apply`; applying twice is
    refused."""

    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"))
    sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    sheet_title = models.CharField(_("表格标题"), max_length=300, blank=True)
    list_name = models.CharField(_("清单名称"), max_length=200)
    code_prefix = models.CharField(_("编码前缀"), max_length=12, blank=True)
    list_year = models.PositiveIntegerField(_("清单版本年度"))
    effective_from = models.DateField(_("生效日期"))
    complete_list = models.BooleanField(_("完整清单（未列出的事项停用）"), default=False)
    default_ratio_cap_bp = models.PositiveIntegerField(
        _("一般事项默认比例上限（基点）"), default=500
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    diff = models.JSONField(_("差异"), default=dict, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    added_count = models.PositiveIntegerField(_("新增"), default=0)
    changed_count = models.PositiveIntegerField(_("修改"), default=0)
    retired_count = models.PositiveIntegerField(_("停用"), default=0)
    unchanged_count = models.PositiveIntegerField(_("不变"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("清单导入")
        verbose_name_plural = _("清单导入")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="applied")
                | Q(applied_by__isnull=False, applied_at__isnull=False),
                name="matter_import_applied_has_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def has_changes(self) -> bool:
        return bool(self.added_count or self.changed_count or self.retired_count)

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q  # noqa: F401
from django.utils.translation import gettext_lazy as _

from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale


class InspectionObject(models.Model):
    """An entry of the inspection-object registry (检查对象名录库).

    Market entities are identified by their unified social credit code (validated with the GB 32100
    check character at the boundary); products, projects and behaviours carry their own code.
    Special-list flags are dates (null = not on the list) with their source, so "penalised within
    3 years" is a comparison with today rather than a flag someone must remember to clear.
    """

    kind = models.CharField(
        _("对象类型"), max_length=12, choices=ObjectKind.choices, default=ObjectKind.ENTERPRISE
    )
    # "C": codes are ASCII, and byte order builds and searches their index fastest (LIKE 'x%' too).
    code = models.CharField(
        _("统一社会信用代码/对象编码"), max_length=32, unique=True, db_collation="C"
    )
    name = models.CharField(_("名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=100, blank=True)
    address = models.CharField(_("住所（经营场所）"), max_length=300, blank=True)
    # Indexed in Meta.indexes (object_region_code_idx, object_industry_code_idx).
    region_code = models.CharField(_("行政区划代码"), max_length=12)
    industry_code = models.CharField(_("行业代码（GB/T 4754）"), max_length=8, blank=True)
    licence_types = ArrayField(
        models.CharField(max_length=40), verbose_name=_("许可类别"), default=list, blank=True
    )
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices, blank=True)
    risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    status = models.CharField(
        _("登记状态"), max_length=10, choices=ObjectStatus.choices, default=ObjectStatus.ACTIVE
    )
    registering_authority = models.CharField(_("登记机关"), max_length=100, blank=True)
    grid = models.CharField(_("网格"), max_length=40, blank=True)
    supervising_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("监管部门"),
        through="ObjectSupervision",
        related_name="supervised_objects",
        blank=True,
    )
    anomaly_since = models.DateField(_("列入经营异常名录日期"), null=True, blank=True)
    anomaly_source = models.CharField(_("经营异常名录来源"), max_length=100, blank=True)
    serious_violation_since = models.DateField(_("列入严重违法失信名单日期"), null=True, blank=True)
    serious_violation_source = models.CharField(
        _("严重违法失信名单来源"), max_length=100, blank=True
    )
    penalised_at = models.DateField(_("最近一次行政处罚日期"), null=True, blank=True)
    penalised_source = models.CharField(_("行政处罚来源"), max_length=100, blank=True)
    group_complaint_at = models.DateField(_("最近一次集体投诉属实日期"), null=True, blank=True)
    group_complaint_source = models.CharField(_("集体投诉来源"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        ordering = ["code"]
        indexes = [
            GinIndex(name="object_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["risk_class", "status"], name="object_risk_status_idx"),
            models.Index(fields=["kind", "status"], name="object_kind_status_idx"),
            # One index per code column serves both `=` / IN and the prefix filters (LIKE 'x%'):
            # with a database collation other than C a default btree cannot serve LIKE, which is
            # why db_index=True would add a second, varchar_pattern_ops copy of each. No query
            # sorts or ranges on these columns.
            models.Index(
                fields=["region_code"],
                name="object_region_code_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["industry_code"],
                name="object_industry_code_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ObjectSupervision(models.Model):
    """A department supervises an object: claimed by the department (签收认领) or assigned by the
    office; a disputed claim waits for the office to resolve it."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("已认领")
        DISPUTED = "disputed", _("有争议")

    # No single-column indexes on these two: supervision_unique_pair (object, department) and
    # supervision_dept_idx (department, object) lead with them.
    inspection_object = models.ForeignKey(
        InspectionObject, on_delete=models.CASCADE, related_name="supervisions", db_index=False
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="supervisions", db_index=False
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("监管认领")
        verbose_name_plural = _("监管认领")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_object", "department"], name="supervision_unique_pair"
            )
        ]
        indexes = [
            models.Index(fields=["department", "inspection_object"], name="supervision_dept_idx")
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.inspection_object}（{self.get_status_display()}）"


class ObjectChange(models.Model):
    """History of an object: who changed what, when (before/after per field)."""

    inspection_object = models.ForeignKey(
        InspectionObject, on_delete=models.CASCADE, related_name="changes"
    )
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("变更来源"), max_length=40, default="manual")
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        verbose_name = _("对象变更记录")
        verbose_name_plural = _("对象变更记录")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.inspection_object_id} @ {self.changed_at:%Y-%m-%d %H:%M}"

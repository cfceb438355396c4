from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from registries.choices import InspectorStatus, RecusalReason, RecusalStatus


class Inspector(models.Model):
    """An enforcement official of a department (执法检查人员名录库). Only active holders of a valid
    enforcement certificate can be drawn. `code` is stable and public (e.g. SAMR-0012): it is what
    published draw bundles show, never the name or the certificate number."""

    code = models.CharField(_("人员编码"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="inspectors",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector",
    )
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    certificate_number = models.CharField(_("执法证号"), max_length=50, blank=True)
    certificate_valid_from = models.DateField(_("执法证有效期起"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("执法证有效期至"), null=True, blank=True)
    tags = ArrayField(
        models.CharField(max_length=30), verbose_name=_("资格与专长标签"), default=list, blank=True
    )
    region_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    grid = models.CharField(_("网格"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=InspectorStatus.choices, default=InspectorStatus.ACTIVE
    )
    status_since = models.DateField(_("状态起始日期"), null=True, blank=True)
    status_until = models.DateField(
        _("状态截止日期"), null=True, blank=True, help_text=_("休假等临时状态的结束日期")
    )
    max_load = models.PositiveIntegerField(_("同期最多参加检查组数"), default=3)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员")
        ordering = ["code"]
        indexes = [models.Index(fields=["department", "status"], name="inspector_dept_status_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Expert(models.Model):
    """Experts and third-party staff (auxiliary registry); drawn under the pseudo-department EXPERT."""

    code = models.CharField(_("专家编码"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("所在单位"), max_length=200)
    speciality = models.CharField(_("专业领域"), max_length=200)
    tags = ArrayField(
        models.CharField(max_length=30), verbose_name=_("标签"), default=list, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=InspectorStatus.choices, default=InspectorStatus.ACTIVE
    )
    max_load = models.PositiveIntegerField(_("同期最多参加检查组数"), default=3)
    # The office's automatic recusal rules (own grid, own region) apply to experts as to inspectors.
    region_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    grid = models.CharField(_("网格"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class Recusal(models.Model):
    """A declared conflict of interest (回避) between an inspector (or an expert) and an object; once
    confirmed by the department admin (the office for experts) it feeds every draw's conflict file."""

    inspector = models.ForeignKey(
        Inspector,
        verbose_name=_("执法检查人员"),
        on_delete=models.CASCADE,
        related_name="recusals",
        null=True,
        blank=True,
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("专家"),
        on_delete=models.CASCADE,
        related_name="recusals",
        null=True,
        blank=True,
    )
    inspection_object = models.ForeignKey(
        "registries.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    reason = models.CharField(_("回避事由"), max_length=20, choices=RecusalReason.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RecusalStatus.choices, default=RecusalStatus.DECLARED
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_note = models.CharField(_("确认意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "inspection_object"], name="recusal_unique_pair"
            ),
            models.UniqueConstraint(
                fields=["expert", "inspection_object"], name="recusal_unique_expert_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(inspector__isnull=True) ^ models.Q(expert__isnull=True),
                name="recusal_one_person",
            ),
        ]

    def __str__(self) -> str:
        person = self.inspector or self.expert
        return f"{person} ↔ {self.inspection_object_id}（{self.get_reason_display()}）"

    @property
    def person(self) -> Inspector | Expert:
        if self.inspector is not None:
            return self.inspector
        assert self.expert is not None  # recusal_one_person: exactly one of the two
        return self.expert


class RecusalRule(models.Model):
    """An automatic recusal rule the office configures, e.g. "not in the inspector's own grid"."""

    class Kind(models.TextChoices):
        OWN_GRID = "own_grid", _("不得检查本人所在网格的对象")
        OWN_REGION = "own_region", _("不得检查本人所在行政区划的对象")

    kind = models.CharField(_("规则"), max_length=20, choices=Kind.choices, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("自动回避规则")
        verbose_name_plural = _("自动回避规则")

    def __str__(self) -> str:
        return str(self.get_kind_display())

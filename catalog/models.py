from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import ImplementingLevel, InspectionMethod, MatterCategory, MatterStatus


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
        "accounts.Department", verbose_name=_("实施主体"), related_name="implemented_matters", blank=True
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("配合部门（联合事项）"), related_name="joined_matters", blank=True
    )
    object_type = models.CharField(_("抽查对象"), max_length=300, blank=True)
    inspection_content = models.TextField(_("检查内容"), blank=True)
    methods = ArrayField(
        models.CharField(max_length=20, choices=InspectionMethod.choices), verbose_name=_("检查方式"), default=list, blank=True
    )
    category = models.CharField(_("事项类别"), max_length=10, choices=MatterCategory.choices, default=MatterCategory.GENERAL)
    ratio_cap_bp = models.PositiveIntegerField(
        _("抽查比例上限（基点）"), null=True, blank=True, help_text=_("一般事项的比例上限，500 = 5%；重点事项不设上限。")
    )
    frequency = models.CharField(_("抽查频次"), max_length=100, blank=True)
    implementing_level = models.CharField(
        _("实施层级"), max_length=10, choices=ImplementingLevel.choices, default=ImplementingLevel.ALL
    )
    is_common = models.BooleanField(_("通用事项（并入每项任务）"), default=False)
    list_year = models.PositiveIntegerField(_("清单版本年度"))
    effective_from = models.DateField(_("生效日期"))
    effective_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MatterStatus.choices, default=MatterStatus.ACTIVE)
    revision = models.PositiveIntegerField(_("修订次数"), default=1)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio_cap_bp__isnull=True) | Q(ratio_cap_bp__lte=10000), name="matter_ratio_cap_at_most_100pct"
            ),
            models.CheckConstraint(
                condition=~Q(category="general") | Q(ratio_cap_bp__isnull=False), name="matter_general_has_ratio_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_key(self) -> bool:
        return self.category == MatterCategory.KEY

    @property
    def effective_cap_bp(self) -> int:
        """The highest sampling ratio a plan may use for this matter, in basis points."""
        return 10000 if self.is_key or self.ratio_cap_bp is None else self.ratio_cap_bp


class CheckPoint(models.Model):
    """One line of a matter's standard inspection form (一张表格管检查), in order."""

    matter = models.ForeignKey(Matter, verbose_name=_("抽查事项"), on_delete=models.CASCADE, related_name="check_points")
    position = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("检查要点"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500, blank=True)
    method = models.CharField(_("检查方式"), max_length=20, choices=InspectionMethod.choices, default=InspectionMethod.ON_SITE)
    allowed_answers = ArrayField(
        models.CharField(max_length=30), verbose_name=_("可选结论"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("检查要点")
        verbose_name_plural = _("检查要点")
        ordering = ["matter", "position"]
        constraints = [models.UniqueConstraint(fields=["matter", "position"], name="checkpoint_unique_position")]

    def __str__(self) -> str:
        return f"{self.matter.code}-{self.position} {self.text}"

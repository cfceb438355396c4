"""Credit-risk classes (信用风险分类, "通用+专业", 003).

- `GeneralClassImport` / `GeneralRiskClass`: the general class issued by market regulation, as
  imported (with its date and source); the object's `risk_class` is the latest one;
- `ClassificationRuleSet`: a department's professional rules over the record, versioned (a change
  is a new version, the old ones stay);
- `FusedRiskClass`: the class per object and department, with the reasons a clerk can read. A
  recomputation writes a new row only when the class or its reasons change and closes the
  previous one (`valid_to`): the rows are the history, and "the class valid at" a moment is the
  row whose interval contains it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registries.choices import RiskClass


class GeneralClassImport(models.Model):
    """One import of the general classification (a file issued on a date by a source)."""

    issued_on = models.DateField(_("分类日期"))
    source = models.CharField(_("来源"), max_length=200)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    changed = models.PositiveIntegerField(_("分类变化的对象数"), default=0)
    unknown = models.PositiveIntegerField(_("名录库中没有的代码"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通用信用风险分类导入")
        verbose_name_plural = _("通用信用风险分类导入")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.issued_on} {self.source}"


class GeneralRiskClass(models.Model):
    """An object's general class as of one import (insert-only history)."""

    inspection_object = models.ForeignKey(
        "registries.InspectionObject", on_delete=models.CASCADE, related_name="general_classes"
    )
    risk_class = models.CharField(_("通用分类"), max_length=1, choices=RiskClass.choices)
    valid_from = models.DateField(_("分类日期"))
    source = models.CharField(_("来源"), max_length=200)
    batch = models.ForeignKey(GeneralClassImport, on_delete=models.PROTECT, related_name="classes")

    class Meta:
        verbose_name = _("通用信用风险分类")
        verbose_name_plural = _("通用信用风险分类")
        ordering = ["inspection_object", "-valid_from", "-pk"]
        indexes = [
            models.Index(
                fields=["inspection_object", "-valid_from"], name="generalclass_object_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_object_id} {self.risk_class} {self.valid_from}"


class ClassificationRuleSet(models.Model):
    """A department's professional classification rules, one version. `rules` maps a rule name
    (registries.credit.rules.RULES) to its settings; a disabled rule is absent."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="classification_rules"
    )
    version = models.PositiveIntegerField(_("版本"))
    rules = models.JSONField(_("规则"), default=dict)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专业分类规则")
        verbose_name_plural = _("专业分类规则")
        ordering = ["department", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["department", "version"], name="ruleset_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} v{self.version}"


class FusedRiskClass(models.Model):
    """The fused class ("通用+专业") of an object for one department over an interval."""

    inspection_object = models.ForeignKey(
        "registries.InspectionObject", on_delete=models.CASCADE, related_name="fused_classes"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    risk_class = models.CharField(_("融合分类"), max_length=1, choices=RiskClass.choices)
    general_class = models.CharField(_("通用分类"), max_length=1, choices=RiskClass.choices)
    professional_class = models.CharField(
        _("专业分类"), max_length=1, choices=RiskClass.choices, blank=True
    )
    reasons = models.JSONField(_("依据"), default=list, blank=True)
    rule_set = models.ForeignKey(
        ClassificationRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateTimeField(_("起始时间"))
    valid_to = models.DateTimeField(_("截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("融合信用风险分类")
        verbose_name_plural = _("融合信用风险分类")
        ordering = ["inspection_object", "department", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_object", "department"],
                condition=Q(valid_to__isnull=True),
                name="fusedclass_one_current",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "inspection_object", "valid_from"],
                name="fusedclass_lookup_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_object_id}@{self.department_id} {self.risk_class}"

    @property
    def explanation(self) -> str:
        if not self.reasons:
            return str(_("%(cls)s：通用分类，无专业规则命中") % {"cls": self.risk_class})
        return str(_("%(cls)s，因为：%(reasons)s") % {
            "cls": self.risk_class, "reasons": "；".join(self.reasons)
        })  # fmt: skip

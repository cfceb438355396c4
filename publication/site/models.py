"""The public site's tables, models of the `publication` app (app label `publication`, migration
0005; they were the nested app `publicsite` until then). `PublicationConfig.import_models` loads
this module with publication/models.py: they sit with the public site, above the tasks app they
point at, while publication/models.py sits below it (tests/platform/test_layering.py).

`PublicResult` is a projection: one row per published version of a result, written in the
transaction that publishes it (`publication.site.services.public_result_sync`, from the
`result_publish` save), from the frozen `ResultVersion`, never from the working copy. The site,
the search (a GIN index on the two-character pieces of the name, migration 0005), the enterprise
pages and the open data read only this table, so nothing that was not published can reach them,
and a correction adds a row while the earlier one stays (``is_current`` false) for the history.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks.inspections.choices import ResultCategory
from tasks.inspections.storage import attachment_storage, attachment_upload_to


class PublicResult(models.Model):
    """One published version of an inspection result, with exactly the public fields of a
    result (domain.md): plan and task number and name, inspection type (directed or not, joint
    or not), inspecting departments, completion date, result categories, remarks; plus the
    inspected enterprise's name, credit code and registering authority."""

    result = models.ForeignKey(
        "tasks.InspectionResult",
        verbose_name=_("检查结果"),
        on_delete=models.PROTECT,
        related_name="public_versions",
    )
    version = models.PositiveIntegerField(_("版本"))
    is_current = models.BooleanField(_("现行公示版本"), default=True)
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("任务"), on_delete=models.PROTECT, related_name="+"
    )
    task_code = models.CharField(_("任务编号"), max_length=32)
    task_title = models.CharField(_("任务名称"), max_length=200)
    plan_year = models.PositiveIntegerField(_("计划年度"), null=True, blank=True)
    plan_title = models.CharField(_("计划事项"), max_length=200, blank=True)
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    departments = models.CharField(_("检查部门"), max_length=500)
    is_directed = models.BooleanField(_("定向抽查"), default=False)
    is_joint = models.BooleanField(_("部门联合抽查"), default=False)
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    categories = ArrayField(
        models.CharField(max_length=30, choices=ResultCategory.choices),
        verbose_name=_("检查结果"),
        default=list,
    )
    result_text = models.CharField(_("检查结果"), max_length=500)
    remarks = models.TextField(_("备注"), blank=True)
    correction_reason = models.TextField(_("更正原因"), blank=True)
    inspection_object = models.ForeignKey(
        "registries.InspectionObject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    registering_authority = models.CharField(_("登记机关"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("公示时间"))
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)

    class Meta:
        app_label = "publication"
        verbose_name = _("公示的检查结果")
        verbose_name_plural = _("公示的检查结果")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["result", "version"], name="publicresult_once"),
            models.UniqueConstraint(
                fields=["result"], condition=Q(is_current=True), name="publicresult_one_current"
            ),
        ]
        indexes = [
            models.Index(fields=["credit_code"], name="publicresult_code_idx"),
            # The lists read the current versions, newest first, a page at a time.
            models.Index(
                fields=["year", "month", "-published_at", "-id"],
                condition=Q(is_current=True),
                name="publicresult_period_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_current=True),
                name="publicresult_published_idx",
            ),
            models.Index(fields=["task"], name="publicresult_task_idx"),
            models.Index(fields=["inspection_object"], name="publicresult_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_code} {self.credit_code} v{self.version}"

    @property
    def inspection_type(self) -> str:
        directed = _("定向抽查") if self.is_directed else _("不定向抽查")
        joint = _("部门联合") if self.is_joint else _("单部门")
        return f"{directed}（{joint}）"


def _reference() -> str:
    return secrets.token_urlsafe(12)


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理，待部门处理")
    UPHELD = "upheld", _("异议成立，结果更正中")
    CORRECTED = "corrected", _("已公示更正结果")
    REJECTED = "rejected", _("异议不成立")


class Objection(models.Model):
    """An inspected business's objection (异议) to a published result. It reaches the inbox of
    the department that entered the result (the task's lead department), which decides with a
    reason; upheld, the result is opened for correction and the corrected version is published
    through the result's ordinary review and publication. The filer follows it with the
    unguessable `reference` (no account needed). Contact details are never shown publicly."""

    reference = models.CharField(_("受理编号"), max_length=24, unique=True, default=_reference)
    public_result = models.ForeignKey(
        PublicResult, verbose_name=_("异议的公示结果"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        "tasks.InspectionResult",
        verbose_name=_("检查结果"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("处理部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    reason = models.TextField(_("异议理由"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED
    )
    filed_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    corrected_version = models.PositiveIntegerField(_("更正后的版本"), null=True, blank=True)

    class Meta:
        app_label = "publication"
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ObjectionStatus.values), name="objection_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.RECEIVED) | ~Q(decision=""),
                name="objection_decided_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="objection_dept_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.credit_code} {self.status}"


class ObjectionAttachment(models.Model):
    """A file the business attached to its objection, stored and checked like the inspections'
    attachments (tasks.inspections.storage: outside the web root, judged by its bytes)."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(
        _("文件"), storage=attachment_storage, upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        app_label = "publication"
        verbose_name = _("异议附件")
        verbose_name_plural = _("异议附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

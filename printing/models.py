"""One rendered (or rendering) PDF of the platform's printable documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from printing.choices import DocumentStatus


class PrintedDocument(models.Model):
    """A PDF of one document kind for one subject (a draw, a plan version, a task's drawn object…),
    rendered by a Celery job after the commit and cached under the fingerprint of what it shows.

    `fingerprint` is the SHA-256 of the document's HTML (everything it prints except the render
    time), so a row is valid exactly as long as the data it shows is unchanged; one row per
    (kind, key, fingerprint), so a repeated request while it renders finds the same row and queues
    nothing. The file lives under settings.DOCUMENTS_ROOT, outside the web root, and is served only
    through the kind's access function (the same one as the page it belongs to).
    """

    kind = models.CharField(_("文书类型"), max_length=64)
    key = models.CharField(_("文书对象"), max_length=200)
    params = models.JSONField(_("参数"), default=dict)
    fingerprint = models.CharField(_("内容指纹"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("已完成份数"), default=0)
    progress_total = models.PositiveIntegerField(_("总份数"), default=0)
    file_name = models.CharField(_("文件"), max_length=300, blank=True)
    file_size = models.BigIntegerField(_("文件大小"), default=0)
    page_count = models.PositiveIntegerField(_("页数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("请求时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("生成完成时间"), null=True, blank=True)
    duration_seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    failure_reason = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("打印文书")
        verbose_name_plural = _("打印文书")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "fingerprint"], name="printeddocument_unique_content"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="printeddocument_progress_bounded",
            ),
        ]
        indexes = [models.Index(fields=["kind", "key"], name="printeddocument_subject_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)

    @property
    def progress_percent(self) -> int:
        if self.is_ready:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(self.progress_done * 100 / self.progress_total))

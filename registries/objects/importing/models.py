from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("全部或全不：任何一行有错误则不导入")
    VALID_ROWS = "valid_rows", _("导入有效行：跳过有错误的行")


class DuplicatePolicy(models.TextChoices):
    UPDATE = "update", _("更新已有对象（保留变更记录）")
    REPORT = "report", _("已有对象作为重复报错")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    REJECTED = "rejected", _("已拒绝（存在错误行）")


FINISHED_STATUSES = frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.REJECTED})


class ImportJob(models.Model):
    """One batch import of inspection objects (批量导入): the uploaded file, the user's choices and
    the outcome of the Celery job that validates and merges it.

    The registry changes in a single transaction at the end of the job, together with the final
    status, so the job row never claims more than the registry holds. A job whose worker died stays
    "running" with nothing written; running it again starts from scratch.
    """

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    file = models.FileField(_("文件"), upload_to="imports/uploads/%Y/%m/", max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=4)
    file_size = models.BigIntegerField(_("文件大小"), default=0)
    mode = models.CharField(
        _("导入方式"), max_length=16, choices=ImportMode.choices, default=ImportMode.VALID_ROWS
    )
    duplicate_policy = models.CharField(
        _("已有对象"), max_length=8, choices=DuplicatePolicy.choices, default=DuplicatePolicy.UPDATE
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    total_rows = models.PositiveIntegerField(_("总行数（估计）"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    invalid_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误条数"), default=0)
    inserted_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_report = models.FileField(
        _("错误报告"), upload_to="imports/errors/", max_length=300, blank=True
    )
    failure_reason = models.TextField(_("失败原因"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration_seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    # A direct load into the empty registry: the time stamp of its transaction, which is the
    # created_at of its objects and the claimed_at of their supervisions. Those name no claimer
    # (a foreign-key check per row would cost ~4 s a million): this job is their claimer.
    loaded_at = models.DateTimeField(_("批量入库时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("对象导入任务")
        verbose_name_plural = _("对象导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "-created_at"], name="importjob_dept_created_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(file_format__in=["csv", "xlsx", "xls"]),
                name="importjob_file_format_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（#{self.pk}）"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def staging_table(self) -> str:
        return f"registries_import_staging_{int(self.pk)}"


class DeferredIndex(models.Model):
    """An index of the registry that a bulk load into the empty registry dropped and left to be
    built after its commit (CREATE INDEX CONCURRENTLY, registries.objects.importing.merge). Written in the
    load's transaction, so it exists exactly when the load committed; deleted once the index is
    built and valid. Only search and filter indexes are deferred, and the check of the loaded
    rows against the supervisions' key to the registry (an ALTER TABLE … VALIDATE CONSTRAINT: the
    key itself is in force from the commit), never a unique constraint."""

    name = models.CharField(_("索引名"), max_length=63, unique=True)
    table = models.CharField(_("表名"), max_length=63)
    definition = models.TextField(_("定义"))
    job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待建索引")
        verbose_name_plural = _("待建索引")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

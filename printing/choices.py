from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RENDERING = "rendering", _("正在生成")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")
    # The data changed while the job waited: the request that sees it asks for a new document.
    STALE = "stale", _("数据已变化")

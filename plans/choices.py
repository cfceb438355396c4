from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanYearStatus(models.TextChoices):
    """Life cycle of an annual plan (000 art. 11): collecting → compiling → pending approval →
    approved → published; an
    adjustment during the year re-opens a draft version (adjusting) that needs approval again."""

    COLLECTING = "collecting", _("征集中")
    COMPILING = "compiling", _("汇编中")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已公布")
    ADJUSTING = "adjusting", _("调整中")


class PlanItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    WITHDRAWN = "withdrawn", _("已撤销")


class SubmissionStatus(models.TextChoices):
    DRAFTING = "drafting", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")


class SubmissionAction(models.TextChoices):
    SUBMITTED = "submitted", _("报送")
    RETURNED = "returned", _("退回")


class MergeStatus(models.TextChoices):
    PROPOSED = "proposed", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    APPROVED = "approved", _("已批准")


RISK_CLASSES = ("A", "B", "C", "D")

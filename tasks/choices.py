from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    """Life of a joint task: draft → (ad hoc: pending_approval → approved) → in_review (announced)
    → drawn → in_progress → completed. A return during review brings it back to draft."""

    DRAFT = "draft", _("草稿")
    PENDING_APPROVAL = "pending_approval", _("待联席办审批")
    APPROVED = "approved", _("已批准")
    IN_REVIEW = "in_review", _("会审中（已公告）")
    DRAWN = "drawn", _("已抽取")
    IN_PROGRESS = "in_progress", _("检查中")
    COMPLETED = "completed", _("已完成")


class DrawKind(models.TextChoices):
    DRAW = "draw", _("对象与人员抽取")
    REPLACEMENT = "replacement", _("替补人员抽取")


class DrawState(models.TextChoices):
    ANNOUNCED = "announced", _("已公告，待揭示")
    DRAWING = "drawing", _("抽取中")
    WITHDRAWN = "withdrawn", _("公告已撤回")
    DRAWN = "drawn", _("已抽取")
    FAILED = "failed", _("抽取失败")
    VOIDED = "voided", _("已作废")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待会审")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤回")


class ReviewRole(models.TextChoices):
    DEPARTMENT = "department", _("参与部门会审")
    SECOND_PERSON = "second_person", _("第二见证人")


class ReplacementCategory(models.TextChoices):
    """Why a member is replaced, as published; the free text stays with the office."""

    ILLNESS = "illness", _("因病")
    RECUSAL = "recusal", _("回避")
    LEAVE = "leave", _("休假或公务冲突")
    TRANSFER = "transfer", _("调离或退休")
    OTHER = "other", _("其他")


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("验证中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未能完成")


EXPERT = "EXPERT"

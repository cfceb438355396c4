"""Choices of the inspection work: visits, records, results, follow-up measures, attachments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultStatus(models.TextChoices):
    """A result's life: entry (open) → submitted by the group leader → approved by the lead
    department's reviewer (or returned with a reason, then open for entry again) → published.
    A correction of an approved or published result opens it again as the next version."""

    OPEN = "open", _("录入中")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核待公示")
    PUBLISHED = "published", _("已公示")


EDITABLE_RESULT_STATUSES = (ResultStatus.OPEN, ResultStatus.RETURNED)
FINAL_RESULT_STATUSES = (ResultStatus.APPROVED, ResultStatus.PUBLISHED)


class ResultCategory(models.TextChoices):
    """The official result categories of the national enterprise credit publicity system.
    "No problem found" excludes every other category."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    NOT_PUBLICISED = "not_publicised", _("未按规定公示应当公示的信息")
    FALSE_INFORMATION = "false_information", _("公示信息隐瞒真实情况、弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所（经营场所）无法联系")
    RECTIFIED = "rectified", _("发现问题已责令改正")
    PENDING_FOLLOW_UP = "pending_follow_up", _("发现问题待后续处理")
    NO_ACTIVITY = "no_activity", _("未发现开展本次抽查涉及的经营活动")
    CLOSED = "closed", _("已关闭停业或正在组织清算")
    UNCOOPERATIVE = "uncooperative", _("不配合检查情节严重")
    DEREGISTERED = "deregistered", _("检查对象已注销")
    LICENCE_REVOKED = "licence_revoked", _("检查对象被吊销")
    REGISTRATION_CANCELLED = "registration_cancelled", _("检查对象被撤销")
    MOVED_OUT = "moved_out", _("检查对象已迁出")


# Categories that say a problem was found: the result needs at least one follow-up measure.
PROBLEM_CATEGORIES = frozenset(
    {
        ResultCategory.NOT_PUBLICISED,
        ResultCategory.FALSE_INFORMATION,
        ResultCategory.UNREACHABLE,
        ResultCategory.RECTIFIED,
        ResultCategory.PENDING_FOLLOW_UP,
        ResultCategory.UNCOOPERATIVE,
    }
)


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("录入中")
    DONE = "done", _("本部门已完成")


class MeasureKind(models.TextChoices):
    """Follow-up measures (后续处置措施); "none needed" is a result without measures."""

    HANDOVER = "handover", _("停止检查，移交日常监管")
    RECTIFY = "rectify", _("责令整改并跟踪复查")
    CASE_CLUE = "case_clue", _("移送案件线索至执法机构")
    NOTIFY = "notify", _("抄告相关部门")
    JUDICIAL = "judicial", _("移送司法机关")


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("跟踪中")
    CLOSED = "closed", _("已办结")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("现场照片")
    SCAN = "scan", _("文书扫描件")
    TEST_REPORT = "test_report", _("检验检测报告")
    OTHER = "other", _("其他材料")


class CommissionKind(models.TextChoices):
    """What a qualified body was commissioned to do (000 art. 15)."""

    TESTING = "testing", _("检验检测")
    AUDIT = "audit", _("财务审计")
    SURVEY = "survey", _("调查咨询")
    APPRAISAL = "appraisal", _("鉴定")


class CombinedVisitStatus(models.TextChoices):
    PROPOSED = "proposed", _("待对方确认")
    AGREED = "agreed", _("已商定合并检查")
    DECLINED = "declined", _("对方未同意")
    CANCELLED = "cancelled", _("已撤回")


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    AGREED = "agreed", _("同意")
    DECLINED = "declined", _("不同意")

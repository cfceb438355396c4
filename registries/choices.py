from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    PRODUCT = "product", _("产品")
    PROJECT = "project", _("工程项目")
    BEHAVIOUR = "behaviour", _("行为")


MARKET_ENTITY_KINDS = frozenset(
    {ObjectKind.ENTERPRISE, ObjectKind.INDIVIDUAL, ObjectKind.COOPERATIVE}
)


class ObjectStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")
    MOVED_OUT = "moved_out", _("迁出")


class RiskClass(models.TextChoices):
    """Enterprise credit risk classification (企业信用风险分类): A is the lowest risk."""

    A = "A", _("A类（低风险）")
    B = "B", _("B类（一般风险）")
    C = "C", _("C类（较高风险）")
    D = "D", _("D类（高风险）")


class Scale(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class SpecialList(models.TextChoices):
    """Special lists whose objects in scope must all be drawn (002 plan 3 VII.4)."""

    ANOMALY = "anomaly", _("经营异常名录")
    SERIOUS_VIOLATION = "serious_violation", _("严重违法失信名单")
    PENALISED = "penalised", _("近三年受到市场监管行政处罚")
    GROUP_COMPLAINT = "group_complaint", _("近三年10人以上集体投诉属实")


class InspectorStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    ON_LEAVE = "on_leave", _("休假")
    TRANSFERRED = "transferred", _("调离")
    RETIRED = "retired", _("退休")


class RecusalReason(models.TextChoices):
    RELATIVE = "relative", _("近亲属关系")
    FORMER_EMPLOYER = "former_employer", _("曾任职单位")
    PRIOR_INVOLVEMENT = "prior_involvement", _("曾参与相关处理")
    INTEREST = "interest", _("其他利害关系")


class RecusalStatus(models.TextChoices):
    DECLARED = "declared", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("不予确认")

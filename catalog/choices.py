from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterCategory(models.TextChoices):
    KEY = "key", _("重点检查事项")
    GENERAL = "general", _("一般检查事项")


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", _("实地核查")
    WRITTEN = "written", _("书面检查")
    NETWORK = "network", _("网络监测")
    SAMPLING = "sampling", _("抽样检测")
    COMMISSIONED = "commissioned", _("委托专业机构")


class ImplementingLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    ALL = "all", _("各级")


class MatterStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    RETIRED = "retired", _("已停用")

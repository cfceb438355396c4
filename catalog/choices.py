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


class RevisionAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    RETIRE = "retire", _("停用")
    CHECK_POINTS = "check_points", _("修改检查要点")
    IMPORT_ADD = "import_add", _("导入新增")
    IMPORT_CHANGE = "import_change", _("导入修改")
    IMPORT_RETIRE = "import_retire", _("导入停用")


class ProposalKind(models.TextChoices):
    ADD = "add", _("新增事项")
    CHANGE = "change", _("修改事项")
    RETIRE = "retire", _("停用事项")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    APPLIED = "applied", _("已导入")
    DISCARDED = "discarded", _("已放弃")

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    OFFICE = "office", _("联席会议办公室")
    DEPARTMENT = "department", _("成员部门")


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("联席办管理员")
    DEPARTMENT_ADMIN = "department_admin", _("部门系统管理员")
    LIAISON = "liaison", _("联络员")
    STAFF = "staff", _("部门工作人员")
    INSPECTOR = "inspector", _("执法检查人员")
    WITNESS = "witness", _("纪检监督（见证人）")
    AUDITOR = "auditor", _("审计人员")


class FreezeReason(models.TextChoices):
    LOST = "lost", _("账户遗失")
    LEFT = "left", _("调离或离职")
    SECURITY = "security", _("安全原因")
    OTHER = "other", _("其他")


class NotificationSeverity(models.TextChoices):
    """How urgent a notice is: plain information, a yellow card (due soon) or a red card (overdue)."""

    INFO = "info", _("通知")
    YELLOW = "yellow", _("临近期限")
    RED = "red", _("已逾期")

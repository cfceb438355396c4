from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind, NotificationSeverity, Role


class Department(models.Model):
    """A member department of the joint meeting, or the joint-meeting office itself (exactly one)."""

    code = models.CharField(
        _("部门代码"),
        max_length=16,
        unique=True,
        help_text=_("稳定的公开代码，大写字母和数字，例如 SAMR；出现在抽取记录中。"),
    )
    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(
        _("类型"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # The liaison system (seed 000): each department names one liaison, its contact with the
    # office; department-level notices go to them. Set only through department_set_liaison.
    liaison = models.ForeignKey(
        "accounts.User",
        verbose_name=_("联络员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    liaison_since = models.DateTimeField(_("联络员指定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["kind", "code"]
        permissions = [("manage_accounts", _("管理本部门账户"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=DepartmentKind.OFFICE),
                name="department_single_office",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9]{1,15}$"), name="department_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_office(self) -> bool:
        return self.kind == DepartmentKind.OFFICE

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A platform account. It belongs to one department; a frozen account (is_active=False)
    cannot log in and is never deleted, so the audit trail keeps pointing at it."""

    full_name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        verbose_name=_("角色"),
        default=list,
        blank=True,
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    frozen_reason = models.CharField(_("冻结原因"), max_length=200, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    reissued_from = models.OneToOneField(
        "self",
        verbose_name=_("补发自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
    )

    objects: ClassVar["UserManager[Self]"] = UserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(is_superuser=True),
                name="user_has_department_unless_superuser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.username}）"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_frozen(self) -> bool:
        return not self.is_active

    @property
    def is_office_admin(self) -> bool:
        from accounts.roles import is_office_admin

        return is_office_admin(self)

    @property
    def is_department_admin(self) -> bool:
        from accounts.roles import is_department_admin

        return is_department_admin(self)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]


class AuditEvent(models.Model):
    """One entry of the platform-wide audit trail: append-only and hash-chained.

    hash = SHA-256 of the canonical JSON of (seq, prev, at, actor, action, target, details); prev is
    the previous entry's hash (64 zeros for the first). A database trigger rejects UPDATE and DELETE
    (migration 0002), and `manage.py audit_verify` recomputes the chain.
    """

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    occurred_at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    target_id = models.CharField(_("对象标识"), max_length=80, blank=True)
    target_label = models.CharField(_("对象名称"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class Notification(models.Model):
    """One notice in one user's inbox, from any app (plans, tasks, deadlines…).

    Written only by `accounts.inbox.services.notification_send` (and the set-based
    `notification_send_many`), in the caller's transaction; the e-mail copy is sent by
    `accounts.jobs.notification_email_job` after the commit. `dedupe_key` makes a repeated run of
    a periodic job notify once: at most one row per (recipient, key) when the key is not empty.
    """

    # No single-column indexes on the two keys: the inbox indexes below lead with the recipient,
    # and the beat sweep inserts thousands of rows at once, each index costing every insert.
    recipient = models.ForeignKey(
        User,
        verbose_name=_("接收人"),
        on_delete=models.PROTECT,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(
        _("类别"), max_length=64, help_text=_("发出通知的功能，例如 plans.year_open")
    )
    severity = models.CharField(
        _("紧急程度"),
        max_length=8,
        choices=NotificationSeverity.choices,
        default=NotificationSeverity.INFO,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("相关部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件处理时间"), null=True, blank=True)
    email_to = models.CharField(
        _("邮件地址"), max_length=254, blank=True, help_text=_("空：接收人没有邮箱，未发送")
    )

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=NotificationSeverity.values),
                name="notification_severity_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unmailed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

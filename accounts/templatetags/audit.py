from collections.abc import Mapping

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS: dict[str, Promise | str] = {
    "department.create": _("新建部门"),
    "department.update": _("修改部门"),
    "account.create": _("新建账户"),
    "account.set_roles": _("调整角色"),
    "account.freeze": _("冻结账户"),
    "account.unfreeze": _("解冻账户"),
    "account.reissue": _("遗失补发"),
    "account.change_password": _("修改密码"),
    "account.reset_password": _("重置密码"),
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.locked": _("登录锁定"),
    "department.liaison_set": _("指定联络员"),
    "admin.action": _("后台批量操作"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
}


def register_action_labels(labels: Mapping[str, Promise | str]) -> None:
    """The apps above the ground floor name their own audit actions here (platform_site does, at
    start-up): one table for the log's column and its 操作 filter."""
    ACTION_LABELS.update(labels)


def action_choices() -> list[tuple[str, str]]:
    """The audit filter's choices: 全部, then every named action by its label."""
    named = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=_by_label)
    return [("", str(_("全部"))), *named]


def _by_label(choice: tuple[str, str]) -> tuple[str, str]:
    code, label = choice
    return (code.split(".")[0], label)


@register.filter
def action_label(action: str) -> str:
    """A readable label for an audit action code; unknown codes are shown as they are."""
    return str(ACTION_LABELS.get(action, action))

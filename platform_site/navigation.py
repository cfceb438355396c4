"""The navigation each role sees. Later capabilities add their entries here."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user
    office_only: bool = False

    def visible_to(self, user: User) -> bool:
        if self.office_only and not user.is_office_admin:
            return False
        if self.roles is None:
            return True
        return user.is_office_admin or bool(self.roles & set(user.roles))


NAV_ITEMS = [
    NavItem(_("工作台"), "accounts:home"),
    NavItem(_("抽查事项清单"), "catalog:matter_list"),
    NavItem(
        _("事项调整建议"),
        "catalog:proposal_list",
        roles=frozenset({Role.STAFF, Role.LIAISON, Role.DEPARTMENT_ADMIN}),
    ),
    NavItem(_("检查对象库"), "registries:object_list"),
    NavItem(
        _("批量导入"),
        "registries:import_job_list",
        roles=frozenset({Role.DEPARTMENT_ADMIN, Role.LIAISON, Role.STAFF}),
    ),
    NavItem(_("执法检查人员库"), "registries:inspector_list"),
    NavItem(
        _("账户管理"),
        "accounts:department_list",
        roles=frozenset({Role.DEPARTMENT_ADMIN}),
    ),
    NavItem(_("年度抽查计划"), "plans:year_list"),
    NavItem(_("联合抽查任务"), "tasks:task_list"),
    NavItem(_("通知"), "plans:notification_list"),
    NavItem(_("生产经营旺季"), "plans:peak_season_list", office_only=True),
    NavItem(_("抽查任务规则"), "tasks:policy", office_only=True),
    NavItem(_("工作日历"), "publication:calendar", office_only=True),
    NavItem(_("审计日志"), "accounts:audit_list", office_only=True),
    NavItem(_("系统状态"), "accounts:status", office_only=True),
]


def navigation_for(user: User) -> list[dict[str, str | Promise]]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible_to(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the capability is not installed yet
        items.append({"label": item.label, "url": url})
    return items

"""The navigation each role sees. Later capabilities add their entries here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import (
    has_working_role,
    is_admin,
    is_department_admin,
    is_department_user,
    is_department_worker,
    is_office_admin,
    is_signed_in,
)
from accounts.types import RequestUser


def _office_or_working(user: RequestUser) -> bool:
    return is_office_admin(user) or has_working_role(user)


def _office_or_department_worker(user: RequestUser) -> bool:
    """Who may open the matter proposals (catalog.permissions: the office edits, a working role
    of an ordinary department proposes); the office's own staff do neither."""
    return is_office_admin(user) or is_department_worker(user)


def _office_or_department_member(user: RequestUser) -> bool:
    return is_office_admin(user) or is_department_user(user)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool] = is_signed_in  # a predicate of accounts.roles

    def visible_to(self, user: User) -> bool:
        return self.visible(user)


NAV_ITEMS = [
    NavItem(_("工作台"), "accounts:home"),
    NavItem(_("抽查事项清单"), "catalog:matter_list"),
    NavItem(_("事项调整建议"), "catalog:proposal_list", _office_or_department_worker),
    NavItem(_("检查对象库"), "registries:object_list"),
    NavItem(_("批量导入"), "registries:import_job_list", _office_or_working),
    NavItem(_("执法检查人员库"), "registries:inspector_list"),
    NavItem(_("通用信用分类"), "registries:risk_class_import", is_office_admin),
    NavItem(_("专业分类规则"), "registries:risk_rules", is_department_admin),
    NavItem(_("账户管理"), "accounts:department_list", is_admin),
    NavItem(_("年度抽查计划"), "plans:year_list"),
    NavItem(_("联合抽查任务"), "tasks:task_list"),
    # the city's figures for the office admin, a department's for its workers (the office's own
    # staff have neither: tasks.indicators.permissions)
    NavItem(_("工作指标"), "indicators:home", _office_or_department_worker),
    NavItem(_("检查与结果"), "inspections:home"),
    NavItem(_("通知"), "accounts:inbox"),
    NavItem(_("公示管理"), "publication:manage", has_working_role),
    NavItem(_("期限"), "publication:deadline_list", _office_or_department_member),
    NavItem(_("联络员通讯录"), "accounts:contact_directory", is_office_admin),
    NavItem(_("生产经营旺季"), "plans:peak_season_list", is_office_admin),
    NavItem(_("抽查任务规则"), "tasks:policy", is_office_admin),
    NavItem(_("工作日历"), "publication:calendar", is_office_admin),
    NavItem(_("审计日志"), "accounts:audit_list", is_office_admin),
    NavItem(_("系统状态"), "accounts:status", is_office_admin),
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

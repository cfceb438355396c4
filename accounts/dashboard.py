"""What each role sees first after signing in. Later capabilities add cards here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.audit import chain_head
from accounts.choices import Role
from accounts.models import Department, User


@dataclass
class Card:
    title: str
    value: str | int
    note: str = ""
    url: str = ""
    tone: str = "neutral"  # neutral | good | warn


@dataclass
class Dashboard:
    headline: str
    cards: list[Card] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _office_dashboard(user: User) -> Dashboard:
    from publication.calendar import calendar_coverage

    board = Dashboard(headline=str(_("联席会议办公室工作台")))
    head = chain_head()
    board.cards += [
        Card(
            str(_("成员部门")),
            Department.objects.filter(kind="department").count(),
            url=_url("accounts:department_list"),
        ),
        Card(str(_("有效账户")), User.objects.filter(is_active=True).count()),
        Card(
            str(_("审计链头")),
            head.hash[:16] + "…" if head else "—",
            note=str(_("共 %(count)d 条事件")) % {"count": head.seq if head else 0},
            url=_url("accounts:audit_list"),
            tone="mono",
        ),
    ]
    for year_status in calendar_coverage():
        if not year_status.has_official_data:
            board.warnings.append(
                str(
                    _(
                        "%(year)d 年尚无官方节假日安排，工作日按“仅周末休息”计算。请导入国务院办公厅公布的安排。"
                    )
                )
                % {"year": year_status.year}
            )
    board.actions += [
        (str(_("新建部门")), _url("accounts:department_create")),
        (str(_("工作日历")), _url("publication:calendar")),
        (str(_("系统状态")), _url("accounts:status")),
    ]
    return board


def _department_dashboard(user: User) -> Dashboard:
    department = user.department
    board = Dashboard(
        headline=str(_("%(department)s 工作台")) % {"department": department.display_name}
    )
    if user.is_department_admin:
        accounts = User.objects.filter(department=department)
        board.cards += [
            Card(
                str(_("本部门有效账户")),
                accounts.filter(is_active=True).count(),
                url=_url("accounts:department_detail", department.pk),
            ),
            Card(str(_("已冻结账户")), accounts.filter(is_active=False).count(), tone="warn"),
        ]
        board.actions.append((str(_("新建账户")), _url("accounts:account_create", department.pk)))
    roles = set(user.roles)
    if roles & {Role.LIAISON, Role.STAFF}:
        board.actions.append((str(_("抽查事项清单")), _url("catalog:matter_list")))
    if Role.INSPECTOR in roles:
        board.cards.append(Card(str(_("我的检查组")), 0, note=str(_("抽取后在此显示"))))
    if Role.WITNESS in roles:
        board.cards.append(Card(str(_("待见证的抽取")), 0, note=str(_("会审确认后在此显示"))))
    return board


def dashboard_for(user: User) -> dict:
    board = _office_dashboard(user) if user.is_office_admin else _department_dashboard(user)
    board.actions = [(label, url) for label, url in board.actions if url]
    return {"dashboard": board}

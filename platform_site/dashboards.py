"""What each role sees first after signing in: cards gathered from every app.

It lives in platform_site, above the apps, because it reads from all of them; `accounts/` stays the
ground floor. Later capabilities add their cards here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.audit import chain_head
from accounts.choices import Role
from accounts.inbox.selectors import notification_unread_count
from accounts.liaisons import departments_without_liaison
from accounts.models import Department, User
from accounts.roles import WORKING_ROLES, is_department_worker
from catalog.selectors import pending_proposal_count, public_matter_list
from plans.choices import PlanYearStatus
from plans.models import DepartmentSubmission, PlanYear
from publication.calendar import calendar_coverage
from publication.deadlines.selectors import deadline_counts_visible_to
from registries.inspectors.selectors import recusal_queue_for
from registries.objects.selectors import disputed_claims
from tasks.choices import ReviewStatus
from tasks.models import DrawReview


@dataclass
class Card:
    title: str
    value: str | int
    note: str = ""
    url: str = ""
    tone: str = "neutral"  # neutral | good | warn


@dataclass
class Todo:
    """One kind of work waiting for the viewer, with how many and where to do it."""

    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    headline: str
    cards: list[Card] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)

    @property
    def waiting(self) -> list[Todo]:
        return [todo for todo in self.todos if todo.count]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _catalog_cards(user: User) -> list[Card]:

    pending = pending_proposal_count(user)
    cards = [
        Card(
            str(_("待处理调整建议")),
            pending,
            url=_url("catalog:proposal_list"),
            tone="warn" if pending else "neutral",
        )
    ]
    if user.is_office_admin:
        cards.append(
            Card(
                str(_("现行抽查事项")),
                public_matter_list().count(),
                url=_url("catalog:matter_list"),
            )
        )
    return cards


def _recusal_cards(user: User) -> list[Card]:

    waiting = recusal_queue_for(user).count()
    return [
        Card(
            str(_("待确认回避申报")),
            waiting,
            url=_url("registries:recusal_queue"),
            tone="warn" if waiting else "neutral",
        )
    ]


def _plan_cards(user: User) -> list[Card]:

    cards = []
    unread = notification_unread_count(user)
    if unread:
        cards.append(Card(str(_("未读通知")), unread, url=_url("accounts:inbox"), tone="warn"))
    if user.is_office_admin:
        for plan_year in PlanYear.objects.filter(
            status__in=[PlanYearStatus.COLLECTING, PlanYearStatus.COMPILING, PlanYearStatus.PENDING]
        ).order_by("year"):
            cards.append(
                Card(
                    str(_("%(year)d 年度计划")) % {"year": plan_year.year},
                    str(plan_year.get_status_display()),
                    url=_url("plans:compilation", plan_year.year),
                )
            )
    elif user.department_id:
        submissions = DepartmentSubmission.objects.filter(
            department_id=user.department_id, plan_year__status=PlanYearStatus.COLLECTING
        ).select_related("plan_year")
        for submission in submissions:
            cards.append(
                Card(
                    str(_("%(year)d 年度计划报送")) % {"year": submission.plan_year.year},
                    str(submission.get_status_display()),
                    url=_url("plans:year_detail", submission.plan_year.year),
                    tone="good" if submission.status == "submitted" else "warn",
                )
            )
    return cards


def _review_cards(user: User) -> list[Card]:

    if user.department_id is None:
        return []
    waiting = DrawReview.objects.filter(
        department_id=user.department_id, status=ReviewStatus.PENDING, draw__state="announced"
    ).count()
    return [
        Card(
            str(_("待会审任务")),
            waiting,
            note=str(_("确认并录入见证值，或说明理由退回")),
            url=_url("tasks:task_list"),
            tone="warn" if waiting else "neutral",
        )
    ]


def _inspection_cards(user: User) -> list[Card]:
    """The inspector's groups (through their linked registry record), and for the departments
    the results and follow-up waiting for them."""
    from tasks.inspections import selectors

    cards = []
    home = _url("inspections:home")
    groups = selectors.groups_for_user(user)
    if Role.INSPECTOR in user.roles or groups:
        leading = sum(1 for group in groups if group.is_leader)
        cards.append(
            Card(
                str(_("我的检查组")),
                len(groups),
                note=str(_("其中任组长 %(n)d 个")) % {"n": leading}
                if groups
                else str(_("被抽中后在此显示")),
                url=home,
                tone="good" if groups else "neutral",
            )
        )
    to_enter = selectors.leader_results_to_enter(user).count()
    if to_enter:
        cards.append(Card(str(_("待汇总录入的检查结果")), to_enter, url=home, tone="warn"))
    review = selectors.results_awaiting_review(user).count()
    if review:
        cards.append(Card(str(_("待审核的检查结果")), review, url=home + "#review", tone="warn"))
    overdue = selectors.overdue_results(user).count() if user.department_id else 0
    if overdue:
        cards.append(
            Card(
                str(_("逾期未录入的检查结果")),
                overdue,
                note=str(_("检查完成之日起20个工作日内录入")),
                url=home + "?overdue=on",
                tone="warn",
            )
        )
    acknowledge = selectors.notifications_to_acknowledge(user).count()
    if acknowledge:
        cards.append(
            Card(str(_("待签收的抄告")), acknowledge, url=home + "#acknowledge", tone="warn")
        )
    measures = _url("inspections:measure_list")
    open_measures = selectors.measure_list(user).count() if measures else 0
    if open_measures:
        late = selectors.measure_list(user, selectors.MeasureFilters(overdue=True)).count()
        cards.append(
            Card(
                str(_("跟踪中的后续处置")),
                open_measures,
                note=str(_("已逾期 %(n)d 项")) % {"n": late} if late else "",
                url=measures,
                tone="warn" if late else "neutral",
            )
        )
    return cards


def _dispute_cards() -> list[Card]:

    disputes = disputed_claims().count()
    return [
        Card(
            str(_("认领争议")),
            disputes,
            url=_url("registries:claim_disputes"),
            tone="warn" if disputes else "neutral",
        )
    ]


def _deadline_cards(user: User) -> list[Card]:
    """The yellow (due soon) and red (overdue) cards: the department's, or every one for the
    office."""
    counts = deadline_counts_visible_to(user)
    base = _url("publication:deadline_list")
    return [
        Card(
            str(_("临近期限（黄牌）")),
            counts["due_soon"],
            url=f"{base}?state=due_soon",
            tone="warn" if counts["due_soon"] else "neutral",
        ),
        Card(
            str(_("已逾期（红牌）")),
            counts["overdue"],
            url=f"{base}?state=overdue",
            tone="bad" if counts["overdue"] else "neutral",
        ),
    ]


def _office_dashboard(user: User) -> Dashboard:

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
    board.cards += _plan_cards(user)
    board.cards += _deadline_cards(user)
    board.cards += _catalog_cards(user)
    board.cards += _recusal_cards(user)
    board.cards += _dispute_cards()
    board.cards += _inspection_cards(user)
    missing = departments_without_liaison()
    if missing:
        board.warnings.append(
            str(_("%(count)d 个部门尚未指定联络员：%(names)s。"))
            % {
                "count": len(missing),
                "names": "、".join(entry.department.display_name for entry in missing),
            }
        )
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
    board.todos = _office_todos(user)
    board.actions += [
        (str(_("新建部门")), _url("accounts:department_create")),
        (str(_("工作日历")), _url("publication:calendar")),
        (str(_("系统状态")), _url("accounts:status")),
        (str(_("联络员通讯录")), _url("accounts:contact_directory")),
    ]
    return board


def _department_dashboard(user: User) -> Dashboard:
    department = user.department
    assert department is not None  # everyone but the office admins belongs to a department
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
        board.cards += _recusal_cards(user)
    roles = set(user.roles)
    board.cards[:0] = _plan_cards(user) + _deadline_cards(user)
    if roles & (WORKING_ROLES | {Role.WITNESS}):
        board.cards += _review_cards(user)
    if roles & WORKING_ROLES and is_department_worker(user):
        board.cards += _catalog_cards(user)
        board.actions.append((str(_("建议新增事项")), _url("catalog:proposal_create")))
    board.cards += _inspection_cards(user)
    if Role.WITNESS in roles:
        waiting = DrawReview.objects.filter(
            department_id=department.pk,
            status=ReviewStatus.PENDING,
            draw__state="announced",
            role="second_person",
        ).count()
        board.cards.append(
            Card(
                str(_("待见证的抽取")),
                waiting,
                note=str(_("会审确认后在此显示")) if not waiting else "",
                url=_url("tasks:task_list"),
                tone="warn" if waiting else "neutral",
            )
        )
    return board


def _office_todos(user: User) -> list[Todo]:
    """Everything waiting for the office, each with its count; the page lists those above zero."""
    from plans.choices import SubmissionStatus
    from tasks.choices import DrawState, TaskStatus
    from tasks.models import Draw, Task

    tasks = _url("tasks:task_list")
    return [
        Todo(
            str(_("待审批的抽查任务（临时任务或偏离计划）")),
            Task.objects.filter(status=TaskStatus.PENDING_APPROVAL).count(),
            f"{tasks}?status={TaskStatus.PENDING_APPROVAL}",
        ),
        Todo(
            str(_("待批准的作废申请")),
            Draw.objects.filter(state=DrawState.DRAWN, void_requested_at__isnull=False).count(),
            tasks,
        ),
        Todo(
            str(_("待批准的撤回公告申请")),
            Draw.objects.filter(
                state=DrawState.ANNOUNCED, withdraw_requested_at__isnull=False
            ).count(),
            tasks,
        ),
        Todo(str(_("认领争议")), disputed_claims().count(), _url("registries:claim_disputes")),
        Todo(
            str(_("事项调整建议")),
            pending_proposal_count(user),
            _url("catalog:proposal_list"),
        ),
        Todo(
            str(_("已报送待汇编的部门年度计划")),
            DepartmentSubmission.objects.filter(
                status=SubmissionStatus.SUBMITTED, plan_year__status=PlanYearStatus.COLLECTING
            ).count(),
            _url("plans:year_list"),
        ),
        Todo(
            str(_("待确认回避申报")),
            recusal_queue_for(user).count(),
            _url("registries:recusal_queue"),
        ),
    ]


def dashboard_for(user: User) -> dict:
    board = _office_dashboard(user) if user.is_office_admin else _department_dashboard(user)
    board.actions = [(label, url) for label, url in board.actions if url]
    return {"dashboard": board}

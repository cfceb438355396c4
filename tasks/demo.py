"""Joint tasks of the demo city (临江市), six of them, in every stage of the draw ceremony.

Each task is led by one department with one or two participating departments, checks matters
from the catalog that fit its objects (the common matters are merged in by the service), and
draws from a narrow scope (one to four districts, a few industries, sometimes a few risk
classes): a few hundred candidates, some of them on a special list (must-include), 30–60 objects
dealt to 4–6 groups of 2–3 inspectors. Where the lead department has an approved plan item of
the current year on the same subject (a matter in common, or a title or matter naming the
subject, over the same industries), the task is made from it and takes over its matters on that
subject; its narrower scope and its own rates and participants are a deviation from the plan item,
approved by office_admin with a reason (shown side by side with the plan item). Otherwise it is an
ad-hoc task with a reason, approved by office_admin.

    0001 校园周边餐饮   SAMR + HEALTH, FIRE   in review: FIRE returned the first announcement, the
                                              dates moved, re-announced; HEALTH confirmed, FIRE pending
    0002 旅游住宿       CULT + SAMR, HEALTH   in review: both confirmed, waiting for the reveal
    0003 危险化学品     EMB + FIRE            drawn
    0004 道路运输       TRANS + EMB           drawn and started (in progress)
    0005 建筑施工       HOUSE + EMB           drawn, voided with the office's approval, redrawn
    0006 娱乐场所       HEALTH + FIRE, CULT   ad hoc, waiting for the office's approval

Everything goes through tasks.services, so the audit trail and the draw logs are real; the draw
job body (`draw_execute`) runs synchronously, since Celery may not be running. The draws the demo
completes in one go are announced with the announcement time as their earliest reveal time (the
office's minimum delay is waived for them inside the demo's transaction); the announcements left
waiting state the office's delay. Idempotent: a task whose code (LJ-<year>-000n) exists is left
alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import DepartmentKind, Role
from accounts.models import Department, User
from catalog.choices import MatterStatus
from catalog.models import Matter
from registries.models import Inspector
from tasks.choices import ReviewStatus
from tasks.models import Task, TaskPolicy

# What the demo leaves each task in.
IN_REVIEW, CONFIRMED, DRAWN, IN_PROGRESS, PENDING_APPROVAL = (
    "in_review",
    "confirmed",
    "drawn",
    "in_progress",
    "pending_approval",
)


@dataclass(frozen=True)
class DemoTask:
    number: int
    title: str
    lead: str
    participants: tuple[str, ...]
    matters: tuple[str, ...]  # catalog codes; a missing code is skipped
    # the subject: finds the fitting plan item, and matters when none of the codes exists
    keywords: tuple[str, ...]
    scope: dict
    strata: dict  # rate in basis points per risk class; never above the matters' cap
    groups: int
    composition: dict
    required_tags: dict
    start_in_days: int
    days: int
    target: str
    adhoc_reason: str
    # department code -> witness entry: digits as if rolled with dice at the review
    witnesses: dict = field(default_factory=dict)
    pending: tuple[str, ...] = ()  # departments that have not confirmed yet
    returned_by: str = ""  # a department that returned the first announcement
    return_reason: str = ""
    void_reason: str = ""
    redraw_witnesses: dict = field(default_factory=dict)
    moved_by_days: int = 0  # the dates move after a return or a void


TASKS = [
    DemoTask(
        number=1,
        title="{year}年冬季校园周边餐饮服务单位食品安全联合抽查",
        lead="SAMR",
        participants=("HEALTH", "FIRE"),
        matters=("HNLH-2-6", "HN2020-106-10", "HN2020-106-13", "HNLH-2-4", "HNLH-2-7"),
        keywords=("餐饮", "校园食品", "学校食堂"),
        scope={"region_prefixes": ["330106", "330108"], "industry_prefixes": ["H621"]},
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=6,
        composition={"SAMR": 1, "HEALTH": 1, "FIRE": 1},
        required_tags={"SAMR": ["LE", "FOOD"], "HEALTH": ["LE", "HEALTH"], "FIRE": ["LE", "FIRE"]},
        start_in_days=14,
        days=30,
        target=IN_REVIEW,
        adhoc_reason="根据市教育局、市场监管局关于加强冬季学校及校园周边食品安全工作的通知，"
        "对西湖区、滨江区校园周边餐饮服务单位开展专项联合抽查。",
        returned_by="FIRE",
        return_reason="检查时间与本支队冬季消防安全专项检查重叠，请顺延一周后重新提交。",
        moved_by_days=7,
        witnesses={"HEALTH": "4 2 6 1 5 3 3 6 2 1"},
        pending=("FIRE",),
    ),
    DemoTask(
        number=2,
        title="{year}年旅行社及旅游住宿单位经营服务联合抽查",
        lead="CULT",
        participants=("SAMR", "HEALTH"),
        matters=("HNLH-24-1", "HNLH-24-2", "HNLH-25-1", "HNLH-4-5", "HNLH-4-2"),
        keywords=("旅行社", "宾馆", "旅店"),
        scope={"industry_prefixes": ["H611", "L727"]},
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=6,
        composition={"CULT": 1, "SAMR": 1, "HEALTH": 1},
        required_tags={"CULT": ["LE", "TOURISM"], "SAMR": ["LE"], "HEALTH": ["LE"]},
        start_in_days=10,
        days=35,
        target=CONFIRMED,
        adhoc_reason="元旦春节旅游旺季前，对全市旅行社和宾馆、旅店开展经营服务和卫生状况联合抽查。",
        witnesses={"SAMR": "5 1 1 4 6 2 3 5 6 2", "HEALTH": "2 6 3 3 1 5 4 4 6 1"},
    ),
    DemoTask(
        number=3,
        title="{year}年危险化学品经营和使用单位安全生产联合抽查",
        lead="EMB",
        participants=("FIRE",),
        matters=("HNLH-18-1", "HNLH-18-2", "HN2020-91-1"),
        keywords=("危险化学品", "化工"),
        scope={"industry_prefixes": ["C2614", "F5162", "F5265"]},
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=5,
        composition={"EMB": 1, "FIRE": 1},
        required_tags={"EMB": ["LE", "CHEMICALS"], "FIRE": ["LE", "FIRE"]},
        start_in_days=7,
        days=30,
        target=DRAWN,
        adhoc_reason="按照市安委会岁末年初安全生产工作部署，对化工、化工贸易企业和加油站开展联合抽查。",
        witnesses={"FIRE": "6 3 2 5 1 1 4 2 5 3"},
    ),
    DemoTask(
        number=4,
        title="{year}年道路运输企业安全生产联合抽查",
        lead="TRANS",
        participants=("EMB",),
        matters=("HNLH-14-1", "HNLH-14-2", "HN2020-37-1"),
        keywords=("道路运输", "道路客运", "道路货运"),
        scope={"region_prefixes": ["330109", "330110"], "industry_prefixes": ["G54"]},
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=4,
        composition={"TRANS": 2, "EMB": 1},
        required_tags={"TRANS": ["LE", "TRANSPORT"], "EMB": ["LE", "SAFETY"]},
        start_in_days=-3,
        days=35,
        target=IN_PROGRESS,
        adhoc_reason="根据省交通运输厅道路运输安全生产专项整治要求，对萧山区、余杭区道路货运和客运企业开展联合抽查。",
        witnesses={"EMB": "1 4 5 6 2 3 6 1 3 4"},
    ),
    DemoTask(
        number=5,
        title="{year}年建筑施工企业质量安全联合抽查",
        lead="HOUSE",
        participants=("EMB",),
        matters=("HNLH-29-1", "HNLH-29-2", "HNLH-18-2"),
        keywords=("建筑市场", "建筑施工"),
        scope={"industry_prefixes": ["E47"], "risk_classes": ["B", "C", "D"]},
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=5,
        composition={"HOUSE": 2, "EMB": 1},
        required_tags={"HOUSE": ["LE", "CONSTRUCTION"], "EMB": ["LE"]},
        start_in_days=12,
        days=30,
        target=DRAWN,
        adhoc_reason="冬季建筑施工安全生产形势严峻，对信用风险较高（B、C、D类）的建筑施工企业开展联合抽查。",
        witnesses={"EMB": "3 3 1 2 6 5 2 4 1 6"},
        void_reason="原定检查期间与全市建筑施工安全生产大检查重叠，检查时间顺延两周，申请作废后重新抽取。",
        moved_by_days=14,
        redraw_witnesses={"EMB": "5 6 4 1 3 2 2 6 5 4"},
    ),
    DemoTask(
        number=6,
        title="{year}年岁末年初歌舞娱乐场所卫生和消防安全专项联合抽查",
        lead="HEALTH",
        participants=("FIRE", "CULT"),
        matters=("HNLH-3-3", "HNLH-3-4", "HNLH-3-2"),
        keywords=("娱乐场所",),
        scope={
            "region_prefixes": ["330102", "330105", "330106", "330108"],
            "industry_prefixes": ["R901"],
        },
        strata={"A": 100, "B": 300, "C": 500, "D": 500},
        groups=4,
        composition={"HEALTH": 1, "FIRE": 1, "CULT": 1},
        required_tags={
            "HEALTH": ["LE", "HEALTH"],
            "FIRE": ["LE", "FIRE"],
            "CULT": ["LE", "CULTURE"],
        },
        start_in_days=30,
        days=30,
        target=PENDING_APPROVAL,
        adhoc_reason="根据市安委会《关于开展岁末年初娱乐场所安全隐患专项整治的通知》临时部署，"
        "年度计划未列入，申请开展专项联合抽查。",
    ),
]


def task_code(number: int, year: int | None = None) -> str:
    return f"LJ-{year or timezone.localdate().year}-{number:04d}"


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _user(department: Department, *roles: str) -> User | None:
    """The department's demo account for these roles (<code>_staff, <code>_liaison), else any."""
    users = User.objects.filter(department=department, is_active=True)
    condition = Q()
    for role in roles:
        condition |= Q(roles__contains=[role])
    for suffix in ("staff", "liaison", "admin"):
        user = users.filter(condition, username=f"{department.code.lower()}_{suffix}").first()
        if user is not None:
            return user
    return users.filter(condition).order_by("username").first()


def _staff(department: Department) -> User | None:
    return _user(department, Role.STAFF, Role.LIAISON)


def _account(department: Department, *roles: str) -> User:
    """`_user`, for a department `_ready` has checked: it has one."""
    user = _user(department, *roles)
    if user is None:
        raise ValidationError(f"{department.code} 没有可用的工作账户")
    return user


def _matters(spec: DemoTask) -> list[Matter]:
    active = Matter.objects.filter(status=MatterStatus.ACTIVE, is_common=False)
    matters = list(active.filter(code__in=spec.matters).order_by("code"))
    if not matters:
        for keyword in spec.keywords:
            matters = list(active.filter(name__contains=keyword).order_by("code")[:2])
            if matters:
                break
    return matters


def _strata(spec: DemoTask, matters: list[Matter]) -> dict[str, dict[str, int]]:
    cap = min((matter.effective_cap_bp for matter in matters), default=10000)
    return {risk_class: {"rate_bp": min(rate, cap)} for risk_class, rate in spec.strata.items()}


def _prefixes_overlap(first: list[str], second: list[str]) -> bool:
    return any(a.startswith(b) or b.startswith(a) for a in first for b in second)


def _plan_item(spec: DemoTask, lead: Department, matters: list[Matter]):
    """The lead's approved current-year plan item on the same subject: a matter in common, or a
    matter or title naming the subject, over the same industries (or all of them)."""
    from plans.choices import PlanItemStatus
    from plans.models import PlanItem

    items = list(
        PlanItem.objects.filter(
            plan_year__year=timezone.localdate().year,
            department=lead,
            status=PlanItemStatus.APPROVED,
        )
        .prefetch_related("matters", "participating_departments")
        .order_by("pk")
    )
    codes = {matter.code for matter in matters}
    industries = spec.scope.get("industry_prefixes", [])
    for item in items:
        item_matters = list(item.matters.all())
        if codes & {matter.code for matter in item_matters}:
            return item
        names = [item.title, *(matter.name for matter in item_matters)]
        on_subject = any(keyword in name for keyword in spec.keywords for name in names)
        item_industries = item.scope.get("industry_prefixes", [])
        if on_subject and (not item_industries or _prefixes_overlap(item_industries, industries)):
            return item
    return None


def _ready(departments: dict[str, Department], spec: DemoTask) -> bool:
    """Every department exists, has a working account and enough inspectors on the registry."""
    for code in (spec.lead, *spec.participants):
        department = departments.get(code)
        if department is None or _staff(department) is None:
            return False
        if Inspector.objects.filter(department=department).count() < spec.groups:
            return False
    return True


def _create(spec: DemoTask, departments: dict[str, Department], office_admin: User) -> Task:
    from tasks.services.tasks import task_approve, task_create, task_submit_for_approval

    lead = departments[spec.lead]
    staff = _account(lead, Role.STAFF, Role.LIAISON)
    matters = _matters(spec)
    if not matters:
        raise ValidationError("目录中没有适用的抽查事项")
    participants = [departments[code] for code in spec.participants]
    plan_item = None if spec.target == PENDING_APPROVAL else _plan_item(spec, lead, matters)
    if plan_item is not None:
        # The plan item's matters on the same subject and its participants join the task
        # (进一次门、查多项事).
        related = [
            matter
            for matter in plan_item.matters.all()
            if any(keyword in matter.name for keyword in spec.keywords)
        ]
        matters = sorted({*matters, *related}, key=lambda matter: matter.code)
        extra = [
            department
            for department in plan_item.participating_departments.all()
            if department not in participants and department != lead and not department.is_office
        ]
        participants += [department for department in extra if _staff(department) is not None]
    start = timezone.localdate() + timedelta(days=spec.start_in_days)
    task = task_create(
        created_by=staff,
        code=task_code(spec.number),
        title=spec.title.format(year=timezone.localdate().year),
        plan_item=plan_item,
        adhoc_reason="" if plan_item is not None else spec.adhoc_reason,
        deviation_reason=spec.adhoc_reason if plan_item is not None else "",
        participating_departments=participants,
        matters=matters,
        scope=spec.scope,
        strata=_strata(spec, matters),
        groups=spec.groups,
        group_composition=spec.composition,
        required_tags=spec.required_tags,
        start_date=start,
        end_date=start + timedelta(days=spec.days),
    )
    if task.needs_approval:
        task = task_submit_for_approval(task=task, submitted_by=staff)
        if spec.target != PENDING_APPROVAL:
            task = task_approve(
                task=task, approved_by=office_admin, comment="同意开展，请按规定组织会审和抽取。"
            )
    return task


def _confirm(draw, witnesses: dict[str, str], *, skip: tuple[str, ...] = ()) -> None:
    from tasks.services.draws import review_confirm

    reviews = draw.reviews.select_related("department").order_by("department__code")
    for review in reviews.filter(status=ReviewStatus.PENDING):
        code = review.department.code
        if code in skip:
            continue
        reviewer = _account(review.department, Role.LIAISON, Role.STAFF)
        review_confirm(
            review=review,
            confirmed_by=reviewer,
            witness=witnesses.get(code, "2 5 6 3 4 1 5 3 1 6"),
        )


def _move_dates(task: Task, staff: User, days: int) -> Task:
    from tasks.services.tasks import task_update

    return task_update(
        task=task,
        updated_by=staff,
        start_date=task.start_date + timedelta(days=days),
        end_date=task.end_date + timedelta(days=days),
    )


@contextmanager
def _reveal_delay_waived(waived: bool) -> Iterator[None]:
    """The draws the demo completes at once are announced with no delay before the reveal; the
    office's delay is put back before the demo's transaction commits."""
    if not waived:
        yield
        return
    delay = TaskPolicy.current().reveal_delay_minutes
    TaskPolicy.objects.filter(pk=1).update(reveal_delay_minutes=0)
    try:
        yield
    finally:
        TaskPolicy.objects.filter(pk=1).update(reveal_delay_minutes=delay)


def _reveal_and_draw(draw, staff: User):
    from tasks.services.draws import draw_reveal
    from tasks.services.execution import draw_execute

    draw_reveal(draw=draw, revealed_by=staff)
    # The job body, synchronously: where Celery runs the queued job, it finds the draw done.
    return draw_execute(draw_id=draw.pk)


def _advance(spec: DemoTask, task: Task, office_admin: User) -> None:
    if spec.target == PENDING_APPROVAL:
        return
    staff = _account(task.lead_department, Role.STAFF, Role.LIAISON)
    with _reveal_delay_waived(spec.target in (DRAWN, IN_PROGRESS)):
        _ceremony(spec, task, staff, office_admin)


def _ceremony(spec: DemoTask, task: Task, staff: User, office_admin: User) -> None:
    from tasks.services.draws import (
        draw_void_decide,
        draw_void_request,
        review_return,
        task_push_to_review,
    )
    from tasks.services.tasks import task_start

    draw = task_push_to_review(task=task, pushed_by=staff)
    if spec.returned_by:
        review = draw.reviews.get(department__code=spec.returned_by)
        review_return(
            review=review,
            returned_by=_account(review.department, Role.LIAISON, Role.STAFF),
            reason=spec.return_reason,
        )
        task = _move_dates(task, staff, spec.moved_by_days)
        draw = task_push_to_review(task=task, pushed_by=staff)
    _confirm(draw, spec.witnesses, skip=spec.pending)
    if spec.target in (IN_REVIEW, CONFIRMED):
        return
    draw = _reveal_and_draw(draw, staff)
    if spec.void_reason:
        draw = draw_void_request(draw=draw, requested_by=staff, reason=spec.void_reason)
        draw_void_decide(
            draw=draw, decided_by=office_admin, approve=True, comment="理由充分，同意作废重抽。"
        )
        task.refresh_from_db()
        task = _move_dates(task, staff, spec.moved_by_days)
        draw = task_push_to_review(task=task, pushed_by=staff)
        _confirm(draw, spec.redraw_witnesses)
        draw = _reveal_and_draw(draw, staff)
    if spec.target == IN_PROGRESS:
        task.refresh_from_db()
        task_start(task=task, started_by=staff)


def _summary(task: Task) -> str:
    task.refresh_from_db()
    draw = task.draws.order_by("-number").first()
    participants = "、".join(d.code for d in task.participating_departments.order_by("code"))
    source = f"计划事项 #{task.plan_item_id}" if task.plan_item_id else "临时任务"
    parts = [
        f"{task.code} {task.title}（{task.lead_department.code} 牵头，{participants} 参与，"
        f"{source}）：{task.get_status_display()}"
    ]
    if draw is not None:
        parts.append(f"候选 {draw.candidate_count} 户（必查 {draw.must_count}）")
        if draw.result:
            parts.append(f"抽中 {len(draw.result['objects'])} 户，{len(draw.result['groups'])} 组")
    return "，".join(parts)


def build(stdout=None, **options) -> None:
    office_admin = User.objects.filter(username="office_admin", is_active=True).first()
    if office_admin is None or not office_admin.is_office_admin:
        return
    departments = {
        department.code: department
        for department in Department.objects.filter(is_active=True, kind=DepartmentKind.DEPARTMENT)
    }
    created = 0
    for spec in TASKS:
        code = task_code(spec.number)
        if Task.objects.filter(code=code).exists():
            continue
        if not _ready(departments, spec):
            _say(stdout, f"联合抽查任务：{code} 跳过（缺少部门、账户或执法检查人员）")
            continue
        try:
            with transaction.atomic():
                task = _create(spec, departments, office_admin)
                _advance(spec, task, office_admin)
        except ValidationError as error:
            _say(stdout, f"联合抽查任务：{code} 未完成：{'；'.join(error.messages)}")
            continue
        created += 1
        _say(stdout, f"联合抽查任务：{_summary(task)}")
    if created:
        _say(stdout, f"联合抽查任务：新建 {created} 项")


def demo_task_build(spec: DemoTask, departments: dict[str, Department], office_admin: User):
    """Create one demo task from `spec` and take it to its target stage, through the services;
    None when a department, account or enough inspectors are missing. For other demo builders
    (tasks.inspections.demo adds tasks of its own); the caller owns the transaction."""
    if not _ready(departments, spec):
        return None
    task = _create(spec, departments, office_admin)
    _advance(spec, task, office_admin)
    task.refresh_from_db()
    return task

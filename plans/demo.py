"""Annual plans of the demo city: peak seasons, an approved and published current-year plan
(with joint items and accepted merges, version 1 approved by office_admin) and a next-year plan
in the submission stage (opened; some departments submitted, one returned, others drafting).

Built through the services, so every step is in the audit trail. Idempotent: a year that already
exists is left alone. Runs after the catalog and registries demos and uses whatever matters and
objects they made; with no matters it creates nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import DepartmentKind, Role
from accounts.models import Department, User
from catalog.choices import MatterStatus
from catalog.models import Matter
from plans import services
from plans.choices import MergeStatus
from plans.models import PeakSeason, PlanItem, PlanYear
from registries.models import ObjectSupervision

PEAK_SEASONS = [
    ("C13", [9, 10], "秋收农副食品加工旺季"),
    ("A01", [9, 10], "秋收农忙"),
    ("R", [7, 8, 10], "暑期和国庆文化旅游旺季"),
    ("H", [7, 8, 10], "暑期和国庆住宿餐饮旺季"),
    ("E", [3, 4, 5, 6], "建筑施工旺季"),
    ("F52", [1, 2], "春节零售旺季"),
]
BASE_RATIOS = {"A": 100, "B": 300, "C": 1000, "D": 3000}
# The year's priorities of some departments, planned before their other matters: the demo's joint
# tasks (tasks/demo.py) carry them out, so those tasks are made from these plan items.
PRIORITY_MATTERS = {
    "SAMR": ("HNLH-2-6", "HN2020-106-10"),  # school canteens; tableware disinfection
    "CULT": ("HNLH-24-1", "HNLH-24-2"),  # travel agencies
    "EMB": ("HNLH-18-1", "HNLH-18-2"),  # industrial work safety
    "TRANS": ("HN2020-37-1",),  # road transport safety
    "HOUSE": ("HNLH-29-1", "HNLH-29-2"),  # construction market
}
# Windows chosen to keep clear of most peak seasons; several overlap so merges are proposed.
WINDOWS = [(3, 5), (4, 6), (5, 7), (9, 11), (4, 5), (10, 12), (3, 4), (5, 6), (11, 12)]


def _say(stdout, message: str) -> None:
    if stdout:
        stdout.write(message)


def _ensure_peak_seasons(office_admin: User) -> None:
    if PeakSeason.objects.exists():
        return
    for prefix, months, note in PEAK_SEASONS:
        services.peak_season_create(
            created_by=office_admin, industry_prefix=prefix, months=months, note=note
        )


def _liaison(department: Department) -> User | None:
    return (
        User.objects.filter(department=department, is_active=True, roles__contains=[Role.LIAISON])
        .order_by("pk")
        .first()
    )


def _top_industry_prefix(department: Department) -> str | None:
    codes = ObjectSupervision.objects.filter(department=department).values_list(
        "inspection_object__industry_code", flat=True
    )[:3000]
    counts = Counter(code[:3] for code in codes if code)
    return counts.most_common(1)[0][0] if counts else None


def _ratios(matters: list[Matter]) -> dict[str, int]:
    cap = min(matter.effective_cap_bp for matter in matters)
    return {risk_class: min(rate, cap) for risk_class, rate in BASE_RATIOS.items()}


def _plans_for(department: Department, index: int, per_department: int) -> list[dict]:
    """The department's first matters in code order, its priorities (PRIORITY_MATTERS) first."""
    priorities = PRIORITY_MATTERS.get(department.code, ())
    matters = sorted(
        Matter.objects.filter(
            implementing_departments=department, status=MatterStatus.ACTIVE, is_common=False
        ).prefetch_related("participating_departments"),
        key=lambda matter: (
            priorities.index(matter.code) if matter.code in priorities else len(priorities),
            matter.code,
        ),
    )[:per_department]
    prefix = _top_industry_prefix(department)
    drafts = []
    for offset, matter in enumerate(matters):
        start, end = WINDOWS[(index + offset) % len(WINDOWS)]
        directed = prefix is not None and offset == 0
        scope = {"departments": [department.code]}
        if directed and prefix is not None:
            scope["industry_prefixes"] = [prefix]
        participants = [
            other
            for other in matter.participating_departments.all()
            if other.pk != department.pk and not other.is_office
        ]
        drafts.append(
            {
                "title": f"{matter.name[:40]}{'（联合）' if participants else ''}",
                "matters": [matter],
                "participating_departments": participants[:3],
                "scope": scope,
                "directed": directed,
                "ratios": _ratios([matter]),
                "window_start_month": start,
                "window_end_month": end,
                "notes": "演示计划事项",
            }
        )
    return drafts


def _draft(
    plan_year: PlanYear, department: Department, liaison: User, index: int, per_department: int
) -> int:
    drafts = _plans_for(department, index, per_department)
    for draft in drafts:
        services.plan_item_create(
            plan_year=plan_year, department=department, created_by=liaison, **draft
        )
    return len(drafts)


def _departments():
    return list(
        Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True).order_by("pk")
    )


def _build_current_year(year: int, office_admin: User, stdout) -> None:
    if PlanYear.objects.filter(year=year).exists():
        return
    today = timezone.localdate()
    # Entered into the platform after the fact: the reporting deadline is set to today, so the
    # demo departments' reports are on time rather than all flagged late.
    default_submission, default_approval = services.default_deadlines(year)
    plan_year = services.plan_year_open(
        year=year,
        opened_by=office_admin,
        submission_deadline=max(default_submission, today),
        approval_deadline=max(default_approval, today),
        notes="演示数据：本年度计划在平台上线后补录。",
    )
    for index, department in enumerate(_departments()):
        liaison = _liaison(department)
        if liaison is None:
            continue
        if _draft(plan_year, department, liaison, index, per_department=2):
            services.plan_department_submit(
                plan_year=plan_year, department=department, submitted_by=liaison
            )
    if not PlanItem.objects.filter(plan_year=plan_year).exists():
        return
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    proposals = list(plan_year.merge_proposals.filter(status=MergeStatus.PROPOSED).order_by("pk"))
    for position, proposal in enumerate(proposals):
        if position == len(proposals) - 1 and len(proposals) > 2:
            services.merge_proposal_reject(
                proposal=proposal, rejected_by=office_admin, comment="检查内容差异较大，分别实施。"
            )
        else:
            services.merge_proposal_accept(
                proposal=proposal,
                accepted_by=office_admin,
                comment="同一对象群体，合并为一次联合检查。",
            )
    services.plan_submit_for_approval(plan_year=plan_year, submitted_by=office_admin)
    services.plan_approve(
        plan_year=plan_year, approved_by=office_admin, comment="经联席会议审议，同意。"
    )
    services.plan_publish(plan_year=plan_year, published_by=office_admin)
    _say(stdout, f"年度抽查计划：{year} 年度已批准并公布（{plan_year.items.count()} 项）")


def _build_next_year(year: int, office_admin: User, stdout) -> None:
    if PlanYear.objects.filter(year=year).exists():
        return
    # Loaded in December, after the default reporting deadline: the office has extended it, so
    # the year is still in the submission stage rather than every report being late.
    today = timezone.localdate()
    default_submission, default_approval = services.default_deadlines(year)
    submission_deadline = max(default_submission, today + timedelta(days=14))
    plan_year = services.plan_year_open(
        year=year,
        opened_by=office_admin,
        submission_deadline=submission_deadline,
        approval_deadline=max(default_approval, submission_deadline + timedelta(days=7)),
    )
    departments = _departments()
    submitted = returned = 0
    for index, department in enumerate(departments):
        liaison = _liaison(department)
        if liaison is None:
            continue
        count = _draft(plan_year, department, liaison, index + 3, per_department=1 + index % 2)
        if not count or index >= 4:
            continue  # the others are still drafting
        services.plan_department_submit(
            plan_year=plan_year, department=department, submitted_by=liaison
        )
        submitted += 1
        if index == 2:
            services.plan_department_return(
                plan_year=plan_year,
                department=department,
                returned_by=office_admin,
                reason="抽查比例未按信用风险分类区分，请调整后重新报送。",
            )
            returned += 1
    _say(
        stdout,
        f"年度抽查计划：{year} 年度报送中（已报送 {submitted - returned} 个部门，退回 {returned} 个）",
    )


@transaction.atomic
def build(stdout=None, **options) -> None:
    office_admin = User.objects.filter(username="office_admin").first()
    if office_admin is None or not Matter.objects.filter(status=MatterStatus.ACTIVE).exists():
        return
    _ensure_peak_seasons(office_admin)
    current = timezone.localdate().year
    _build_current_year(current, office_admin, stdout)
    _build_next_year(current + 1, office_admin, stdout)

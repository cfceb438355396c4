"""A constructed year (2025) of records with known indicator values.

Rows are written directly (not through the services) so that every date is the one the scenario
needs; the states are the ones the services would leave. The answers are derived by hand in
tests/tasks/indicators/test_live.py."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from catalog.models import Matter
from plans.models import OtherInspection, PlanItem, PlanYear
from registries.choices import ObjectKind
from registries.models import InspectionObject
from tasks.models import (
    CombinedVisit,
    Draw,
    DrawnObject,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    ResultVersion,
    Task,
)
from tests.catalog.factories import MatterFactory
from tests.tasks.factories import make_objects

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def make_task(code, lead, user, *, start, end=None, participants=(), matters=()) -> Task:
    task = Task.objects.create(
        code=code,
        title=f"任务{code}",
        lead_department=lead,
        adhoc_reason="测试",
        start_date=start,
        end_date=end or start,
        created_by=user,
        approved_by=user,
        approved_at=at(start),
        strata={"A": {"rate_bp": 100}},
    )
    task.participating_departments.set(participants)
    task.matters.set(matters)
    return task


def make_draw(
    task, user, *, announced, drawn=None, listed=None, state="drawn", objects=(), stratum="A"
):
    """A draw; once drawn, its drawn-list deadline (publication.deadlines) opened from the draw
    date and closed on `listed`, the day its list was published (None: not yet)."""
    number = task.draws.count() + 1
    draw = Draw.objects.create(
        task=task,
        number=number,
        state=state,
        protocol_task_id=f"{task.code}#{number}",
        sealed_secret=b"x",
        commitment="0" * 64,
        candidate_file=Draw.pack(b""),
        inspector_file=Draw.pack(b""),
        conflict_file=Draw.pack(b""),
        announced_by=user,
        announced_at=at(announced),
        drawn_at=at(drawn) if drawn else None,
    )
    if drawn:
        from tasks.services.deadlines import drawn_list_deadline_close, drawn_list_deadline_open

        drawn_list_deadline_open(draw=draw)
        if listed:
            drawn_list_deadline_close(draw=draw, published_on=listed)
    inspections = []
    for inspection_object in objects:
        drawn_object = DrawnObject.objects.create(
            draw=draw,
            inspection_object=inspection_object,
            code=inspection_object.code,
            stratum=stratum,
            group_id="G001",
        )
        inspections.append(
            Inspection.objects.create(
                task=task,
                drawn_object=drawn_object,
                inspection_object=inspection_object,
                group_id="G001",
            )
        )
    return draw, inspections


def make_result(
    inspection,
    user,
    *,
    completed,
    due,
    submitted=None,
    approved=None,
    published=False,
    categories=("no_problem",),
):
    result = InspectionResult.objects.create(
        inspection=inspection,
        status="open",
        completed_on=completed,
        due_on=due,
        categories=list(categories),
        submitted_at=at(submitted) if submitted else None,
    )
    if approved:
        version = ResultVersion.objects.create(
            result=result,
            number=1,
            categories=list(categories),
            completed_on=completed,
            content={},
            content_hash="0" * 64,
            approved_by=user,
            approved_at=at(approved),
            retain_until=date(2030, 1, 1),
        )
        result.status = "published" if published else "approved"
        result.approved_version = version
        if published:
            result.published_version = version
            result.published_at = at(approved, 16)
        result.save()
    return result


@dataclass
class Year2025:
    objects: list[InspectionObject]
    tasks: dict[str, Task] = field(default_factory=dict)
    results: dict[str, InspectionResult] = field(default_factory=dict)
    matters: dict[str, Matter] = field(default_factory=dict)


def build_year(*, office_admin, department_a, department_b) -> Year2025:
    user = office_admin
    objects = make_objects(10, start=900_000, risk_cycle=("A",))
    InspectionObject.objects.create(
        kind=ObjectKind.PRODUCT, code="P-0001", name="某产品", region_code="330102"
    )
    o1, o2, o3, o4 = objects[:4]
    world = Year2025(objects=objects)

    m1, m2, m3 = (MatterFactory() for _ in range(3))
    common = MatterFactory(is_common=True)
    m1.implementing_departments.set([department_a])
    m3.implementing_departments.set([department_a])
    m2.implementing_departments.set([department_b])
    common.implementing_departments.set([department_a])
    world.matters.update(m1=m1, m2=m2, m3=m3)

    # Drawn lists are due 5 working days after the draw. T1: joint task of A with B, drawn on
    # Friday 7 March, its list published on Friday 14 March: on time.
    t1 = make_task(
        "T1", department_a, user, start=date(2025, 3, 10), end=date(2025, 3, 31),
        participants=[department_b], matters=[m1],
    )  # fmt: skip
    _, (i1, i2) = make_draw(
        t1,
        user,
        announced=date(2025, 3, 3),
        drawn=date(2025, 3, 7),
        listed=date(2025, 3, 14),
        objects=[o1, o2],
    )
    # T2: single-department task of A: a first draw (revealed, later voided) and a redraw.
    t2 = make_task("T2", department_a, user, start=date(2025, 5, 5), end=date(2025, 5, 30))
    make_draw(
        t2, user, announced=date(2025, 4, 28), drawn=date(2025, 4, 29), listed=date(2025, 4, 30),
        state="voided", objects=[o3],
    )  # fmt: skip
    _, (i3, i4) = make_draw(
        t2,
        user,
        announced=date(2025, 5, 12),
        drawn=date(2025, 5, 20),
        listed=date(2025, 5, 20),
        objects=[o1, o4],
    )
    # T3: B's task, drawn before the National Day holidays (Mon 29 September) and its list
    # published after them: on time in working days (due 13 October, the make-up Saturday 11
    # October counting), late in calendar days.
    t3 = make_task("T3", department_b, user, start=date(2025, 10, 10), matters=[m2])
    _, (i5,) = make_draw(
        t3,
        user,
        announced=date(2025, 9, 26),
        drawn=date(2025, 9, 29),
        listed=date(2025, 10, 13),
        objects=[o4],
    )
    # T2 and T3 visit o4 once together (an agreed combined visit).
    visit = CombinedVisit.objects.create(
        inspection_object=o4, status="agreed", visit_on=date(2025, 5, 20), proposed_by=user
    )
    Inspection.objects.filter(pk__in=[i4.pk, i5.pk]).update(
        combined_visit=visit, scheduled_on=date(2025, 5, 20)
    )
    # T4: B's task whose list was published late (drawn 1 September, due 8 September, published
    # 15 September): o1's third inspection of the year.
    t4 = make_task("T4", department_b, user, start=date(2025, 9, 16))
    _, (_i6,) = make_draw(
        t4,
        user,
        announced=date(2025, 8, 29),
        drawn=date(2025, 9, 1),
        listed=date(2025, 9, 15),
        objects=[o1],
    )
    # T5: drawn on 22 December and its list never published: overdue.
    t5 = make_task("T5", department_a, user, start=date(2026, 1, 10))
    make_draw(t5, user, announced=date(2025, 12, 19), drawn=date(2025, 12, 22))
    world.tasks.update(T1=t1, T2=t2, T3=t3, T4=t4, T5=t5)

    # Results: r1 entered on time, published, then corrected after publication (its second
    # submission is after the deadline); r2 entered late and approved, not published; r3 never
    # entered and overdue.
    r1 = make_result(
        i1, user, completed=date(2025, 3, 31), due=date(2025, 4, 29),
        submitted=date(2025, 4, 20), approved=date(2025, 4, 22), published=True,
    )  # fmt: skip
    ResultVersion.objects.create(
        result=r1, number=2, reason="更正", categories=["no_problem"],
        completed_on=date(2025, 3, 31), content={"v": 2}, content_hash="1" * 64,
        approved_by=user, approved_at=at(date(2025, 6, 3)), retain_until=date(2030, 1, 1),
    )  # fmt: skip
    InspectionResult.objects.filter(pk=r1.pk).update(version=2, submitted_at=at(date(2025, 6, 1)))
    r2 = make_result(
        i2, user, completed=date(2025, 3, 31), due=date(2025, 4, 29),
        submitted=date(2025, 5, 10), approved=date(2025, 5, 12),
    )  # fmt: skip
    r3 = make_result(i3, user, completed=date(2025, 5, 22), due=date(2025, 6, 20))
    world.results.update(r1=r1, r2=r2, r3=r3)

    closed = FollowUpMeasure.objects.create(
        result=r2, kind="handover", department=department_a, description="移交日常监管",
        created_by=user, status="closed", outcome="已移交", outcome_on=date(2025, 6, 1),
        closed_at=at(date(2025, 6, 1)),
    )  # fmt: skip
    still_open = FollowUpMeasure.objects.create(
        result=r2, kind="rectify", department=department_b, description="责令整改",
        deadline_on=date(2025, 6, 30), created_by=user,
    )  # fmt: skip
    FollowUpMeasure.objects.filter(pk__in=[closed.pk, still_open.pk]).update(
        created_at=at(date(2025, 5, 12))
    )

    for department, day, reference in (
        (department_a, date(2025, 2, 1), "A-1"),
        (department_a, date(2025, 7, 1), "A-2"),
        (department_b, date(2025, 8, 1), "B-1"),
        (department_b, date(2024, 8, 1), "B-0"),  # another year
    ):
        OtherInspection.objects.create(
            department=department, kind="complaint", inspected_on=day,
            object_name="投诉核查对象", reference=reference, created_by=user,
        )  # fmt: skip

    plan_year = PlanYear.objects.create(
        year=2025, submission_deadline=date(2024, 11, 30), approval_deadline=date(2024, 12, 31),
        opened_by=user, opened_at=at(date(2024, 10, 1)),
    )  # fmt: skip
    for department, ratios in (
        (department_a, {"A": 100, "B": 200, "C": 300, "D": 400}),
        (department_b, {"A": 300, "B": 300, "C": 300, "D": 300}),
    ):
        PlanItem.objects.create(
            plan_year=plan_year, department=department, title=f"{department.code}计划事项",
            ratios=ratios, window_start_month=3, window_end_month=10, status="approved",
            created_by=user,
        )  # fmt: skip
    return world

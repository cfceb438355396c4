"""The per-department league table (the basis of performance review, 000 art. 21): each
department's indicators, its overdue items today and its draws' re-roll statistics.

`draw_statistics` is one query over the draws of the year, kept apart so that new kinds of
re-roll (the withdrawal requests of the draw branch) are one more FILTER column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from accounts.choices import DepartmentKind
from accounts.models import Department
from tasks.indicators.live import Indicator, Scope, compute_scopes

DRAW_STATISTICS_SQL = """
    SELECT t.lead_department_id,
           count(*) FILTER (WHERE dr.kind = 'draw') AS announced,
           count(*) FILTER (WHERE dr.kind = 'draw' AND dr.state = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE dr.kind = 'draw' AND dr.state = 'voided') AS voided,
           count(*) FILTER (WHERE dr.kind = 'draw' AND dr.redraw_of_id IS NOT NULL) AS redraws,
           count(*) FILTER (WHERE dr.kind = 'draw' AND dr.state = 'failed') AS failed,
           count(*) FILTER (WHERE dr.kind = 'replacement') AS replacements
    FROM tasks_draw dr JOIN tasks_task t ON t.id = dr.task_id
    WHERE (dr.announced_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN %(start)s AND %(end)s
      AND (%(dept)s::bigint IS NULL OR t.lead_department_id = %(dept)s)
    GROUP BY t.lead_department_id
"""

OVERDUE_SQL = """
    SELECT department_id, sum(results) AS results, sum(measures) AS measures,
           sum(notices) AS notices, sum(reviews) AS reviews
    FROM (
        SELECT t.lead_department_id AS department_id, count(*) AS results, 0 AS measures,
               0 AS notices, 0 AS reviews
        FROM tasks_inspectionresult r
        JOIN tasks_inspection i ON i.id = r.inspection_id
        JOIN tasks_drawnobject dobj ON dobj.id = i.drawn_object_id
        JOIN tasks_draw dr ON dr.id = dobj.draw_id AND dr.state = 'drawn'
        JOIN tasks_task t ON t.id = i.task_id
        WHERE r.due_on < %(today)s AND r.status IN ('open', 'returned')
          AND r.approved_version_id IS NULL
          AND (%(dept)s::bigint IS NULL OR t.lead_department_id = %(dept)s)
        GROUP BY 1
        UNION ALL
        SELECT m.department_id, 0, count(*), 0, 0 FROM tasks_followupmeasure m
        WHERE m.status = 'open' AND m.deadline_on < %(today)s
          AND (%(dept)s::bigint IS NULL OR m.department_id = %(dept)s)
        GROUP BY 1
        UNION ALL
        SELECT m.notified_department_id, 0, 0, count(*), 0 FROM tasks_followupmeasure m
        WHERE m.kind = 'notify' AND m.acknowledged_at IS NULL
          AND (%(dept)s::bigint IS NULL OR m.notified_department_id = %(dept)s)
        GROUP BY 1
        UNION ALL
        SELECT rv.department_id, 0, 0, 0, count(*) FROM tasks_drawreview rv
        WHERE rv.status = 'pending' AND rv.escalated_at IS NOT NULL
          AND (%(dept)s::bigint IS NULL OR rv.department_id = %(dept)s)
        GROUP BY 1
    ) parts
    GROUP BY department_id
"""


@dataclass
class DrawStatistics:
    announced: int = 0
    withdrawn: int = 0
    voided: int = 0
    redraws: int = 0
    failed: int = 0
    replacements: int = 0

    @property
    def rerolls(self) -> int:
        return self.withdrawn + self.voided + self.redraws


@dataclass
class Overdue:
    results: int = 0
    measures: int = 0
    notices: int = 0
    reviews: int = 0

    @property
    def total(self) -> int:
        return self.results + self.measures + self.notices + self.reviews


@dataclass
class LeagueRow:
    department: Department
    indicators: list[Indicator]
    overdue: Overdue
    draws: DrawStatistics
    met: int = 0
    measured: int = 0
    rank: int = 0
    by_key: dict[str, Indicator] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key = {indicator.key: indicator for indicator in self.indicators}
        self.measured = sum(1 for indicator in self.indicators if indicator.ok is not None)
        self.met = sum(1 for indicator in self.indicators if indicator.ok)


def draw_statistics(year: int, department_id: int | None = None) -> dict[int, DrawStatistics]:
    with connection.cursor() as cursor:
        cursor.execute(
            DRAW_STATISTICS_SQL,
            {"start": date(year, 1, 1), "end": date(year, 12, 31), "dept": department_id},
        )
        return {row[0]: DrawStatistics(*row[1:]) for row in cursor.fetchall()}


def overdue_items(today: date, department_id: int | None = None) -> dict[int, Overdue]:
    """Overdue items by department (every department, or only `department_id`)."""
    with connection.cursor() as cursor:
        cursor.execute(OVERDUE_SQL, {"today": today, "dept": department_id})
        return {row[0]: Overdue(*(int(value) for value in row[1:])) for row in cursor.fetchall()}


def league_table(
    scope: Scope,
    departments: list[Department] | None = None,
    *,
    indicators: dict[int | None, list[Indicator]] | None = None,
) -> list[LeagueRow]:
    """Departments ranked by indicators met, then by fewest overdue items, then by code.

    `indicators`: the departments' indicators when the caller has them already
    (`live.compute_scopes`, one statement for the city and every department)."""
    if departments is None:
        departments = list(
            Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True).order_by(
                "code"
            )
        )
    only = departments[0].pk if len(departments) == 1 else None
    if indicators is None or any(department.pk not in indicators for department in departments):
        indicators = compute_scopes(
            scope.year, today=scope.today, city=False, departments=True, department_id=only
        )
    draws = draw_statistics(scope.year, only)
    overdue = overdue_items(scope.today, only)
    rows = [
        LeagueRow(
            department=department,
            indicators=indicators[department.pk],
            overdue=overdue.get(department.pk, Overdue()),
            draws=draws.get(department.pk, DrawStatistics()),
        )
        for department in departments
    ]
    rows.sort(key=lambda row: (-row.met, row.overdue.total, row.department.code))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def dashboard(scope: Scope) -> tuple[list[Indicator], list[LeagueRow]]:
    """The indicators of the scope and its league rows (every department for the city, the
    department's own row otherwise), from one statement."""
    if scope.department_id is None:
        indicators = compute_scopes(scope.year, today=scope.today, city=True, departments=True)
        return indicators[None], league_table(scope, indicators=indicators)
    department = Department.objects.get(pk=scope.department_id)
    indicators = compute_scopes(scope.year, today=scope.today, department_id=department.pk)
    return indicators[department.pk], league_table(scope, [department], indicators=indicators)

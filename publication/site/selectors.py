"""What the public sees. Every query starts from something published: tasks with a published
drawn list (publication.models.Publication) and the public projection of results; nothing else
of the working data is read by the public pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from accounts.models import Department
from catalog.models import Matter
from publication.models import Publication, PublicationKind, published_subject_ids
from publication.site.models import PublicResult
from tasks.choices import DrawKind
from tasks.inspections.models import FollowUpMeasure
from tasks.models import Draw, DrawnObject, Task

CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
SEARCH_MIN_CHARS = 2


def published_draws() -> QuerySet[Draw]:
    return Draw.objects.filter(
        kind=DrawKind.DRAW, pk__in=published_subject_ids(PublicationKind.DRAWN_LIST, Draw)
    )


def published_tasks(
    *,
    department: Department | None = None,
    matter: Matter | None = None,
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[Task]:
    """Tasks with at least one published drawn list, newest first; the period is the task's
    inspection start."""
    tasks = Task.objects.filter(
        Exists(published_draws().filter(task=OuterRef("pk")))
    ).select_related("lead_department")
    if department is not None:
        tasks = tasks.filter(lead_department=department) | tasks.filter(
            participating_departments=department
        )
        tasks = tasks.distinct()
    if matter is not None:
        tasks = tasks.filter(matters=matter)
    if year is not None:
        tasks = tasks.filter(start_date__year=year)
    if month is not None:
        tasks = tasks.filter(start_date__month=month)
    objects = (
        DrawnObject.objects.filter(draw__task=OuterRef("pk"), draw__in=published_draws())
        .values("draw__task")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return tasks.annotate(published_objects=Subquery(objects)).order_by("-start_date", "-pk")


@dataclass
class DrawnListRow:
    name: str
    code: str
    registering_authority: str
    department: str


def drawn_list(draw: Draw) -> list[DrawnListRow]:
    """The published drawn list of `draw`: each object's name, credit code, registering
    authority and the department assigned (the lead department of its group's visit)."""
    rows = []
    objects = DrawnObject.objects.filter(draw=draw).select_related("inspection_object")
    lead = draw.task.lead_department.name
    for drawn in objects.order_by("code"):
        rows.append(
            DrawnListRow(
                name=drawn.inspection_object.name,
                code=drawn.code,
                registering_authority=drawn.inspection_object.registering_authority,
                department=lead,
            )
        )
    return rows


def draw_publication(draw: Draw) -> Publication | None:
    return (
        Publication.objects.filter(kind=PublicationKind.DRAWN_LIST, subject_id=draw.pk)
        .filter(subject_type__model="draw", subject_type__app_label="tasks")
        .first()
    )


def current_results() -> QuerySet[PublicResult]:
    return PublicResult.objects.filter(is_current=True)


def results_list(
    *,
    department: Department | None = None,
    year: int | None = None,
    month: int | None = None,
    task: Task | None = None,
) -> QuerySet[PublicResult]:
    results = current_results()
    if department is not None:
        results = results.filter(lead_department=department)
    if year is not None:
        results = results.filter(year=year)
    if month is not None:
        results = results.filter(month=month)
    if task is not None:
        results = results.filter(task=task)
    return results.order_by("-published_at", "-pk")


def search_enterprises(query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Enterprises with a published result whose name contains `query` (any part, Chinese
    included; the trigram index serves LIKE '%…%' for 3+ characters and the planner falls back
    on short strings over the already narrow current rows) or whose credit code is `query`.
    One row per credit code, with its number of published results and latest publication."""
    query = query.strip()
    results = current_results()
    if CREDIT_CODE_RE.match(query.upper()):
        results = results.filter(credit_code=query.upper())
    else:
        results = results.filter(enterprise_name__contains=query)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in results.values("credit_code")
        .annotate(count=Count("pk"))
        .values("credit_code", "count")
        .order_by("credit_code")[: limit + 1]
    ]
    latest = {
        row.credit_code: row
        for row in PublicResult.objects.filter(
            is_current=True, credit_code__in=[row["credit_code"] for row in rows]
        )
        .order_by("credit_code", "-published_at")
        .distinct("credit_code")
    }
    found = []
    for row in rows:
        last = latest.get(row["credit_code"])
        if last is None:
            continue
        found.append(
            {
                "credit_code": row["credit_code"],
                "name": last.enterprise_name,
                "registering_authority": last.registering_authority,
                "count": row["count"],
                "latest": last.published_at,
            }
        )
    return found


@dataclass
class EnterpriseResult:
    current: PublicResult
    history: list[PublicResult]
    measures: list[FollowUpMeasure]


def enterprise_results(credit_code: str) -> list[EnterpriseResult]:
    """Every published inspection of the enterprise, newest first, with the earlier published
    versions of corrected results and the follow-up measures' state (kind, department, whether
    closed and when; their working notes stay internal)."""
    rows = list(
        PublicResult.objects.filter(credit_code=credit_code)
        .select_related("lead_department")
        .order_by("-published_at", "-version")
    )
    by_result: dict[int, list[PublicResult]] = {}
    for row in rows:
        by_result.setdefault(row.result_id, []).append(row)
    measures: dict[int, list[FollowUpMeasure]] = {}
    for measure in (
        FollowUpMeasure.objects.filter(result_id__in=list(by_result))
        .select_related("department")
        .order_by("pk")
    ):
        measures.setdefault(measure.result_id, []).append(measure)
    found = []
    for result_id, versions in by_result.items():
        current = next((v for v in versions if v.is_current), versions[0])
        history = [v for v in versions if v is not current]
        found.append(EnterpriseResult(current, history, measures.get(result_id, [])))
    found.sort(key=lambda item: item.current.published_at, reverse=True)
    return found


def public_years() -> list[int]:
    years = set(current_results().values_list("year", flat=True).distinct())
    years.update(published_tasks().values_list("start_date__year", flat=True).distinct())
    return sorted(years, reverse=True)


def today_year() -> int:
    return date.today().year

"""What the public sees. Every query starts from something published: tasks with a published
drawn list (publication.models.Publication) and the public projection of results; nothing else
of the working data is read by the public pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from accounts.models import Department
from catalog.models import Matter
from publication.models import Publication, PublicationKind, published_subject_ids
from publication.site.models import PublicResult
from tasks.choices import DrawKind
from tasks.inspections.models import FollowUpMeasure
from tasks.models import Draw, DrawnObject, GroupMember, Task

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
    has_results: bool = False


def drawn_list(draw: Draw) -> list[DrawnListRow]:
    """The published drawn list of `draw`: each object's name, credit code, registering
    authority and the departments assigned to inspect it.

    An object is dealt to a group (protocol §5); the departments that inspect it are those that
    record the task's matters in that group's visit, by the rule that opens the inspections
    (`matter_assignments`: a matter goes to the group's departments that implement it, else
    those that take part in it, else the lead department), lead department first. The group's
    leader is always of the lead department, so it does not tell who inspects."""
    from tasks.inspections.services.inspections import matter_assignments

    task = draw.task
    order = {task.lead_department_id: ("", "")} | {
        d.pk: ("1", d.code) for d in task.participating_departments.all()
    }
    make_up: dict[str, set[str]] = {}
    for group_id, department_code in GroupMember.objects.filter(
        draw=draw, replaced_by__isnull=True
    ).values_list("group_id", "department_code"):
        make_up.setdefault(group_id, set()).add(department_code)
    by_make_up: dict[frozenset[str], str] = {}

    def departments_of(group_id: str) -> str:
        codes = frozenset(make_up.get(group_id, ()))
        if codes not in by_make_up:
            departments = {d.pk: d for _matter, d in matter_assignments(task, set(codes))}
            ranked = sorted(departments.values(), key=lambda d: order.get(d.pk, ("2", d.code)))
            by_make_up[codes] = "、".join(d.name for d in ranked)
        return by_make_up[codes]

    with_results = set(
        current_results().filter(task_id=draw.task_id).values_list("credit_code", flat=True)
    )
    objects = DrawnObject.objects.filter(draw=draw).select_related("inspection_object")
    return [
        DrawnListRow(
            name=drawn.inspection_object.name,
            code=drawn.code,
            registering_authority=drawn.inspection_object.registering_authority,
            department=departments_of(drawn.group_id),
            has_results=drawn.code in with_results,
        )
        for drawn in objects.order_by("code")
    ]


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
    return results.order_by("-published_at", "-id")


def name_bigrams(text: str) -> list[str]:
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def search_enterprises(query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Enterprises with a published result whose name contains `query` (any part, two
    characters or more, Chinese included) or whose credit code is `query`; at most `limit` + 1
    (the caller says "more"), each with its number of published results and latest publication.

    Names: every two-character piece of the query must be among the name's (the GIN index
    ``publicresult_name_bigrams`` of publication migration 0005), then LIKE checks the whole; the scan stops
    at the first matches, so a very common piece (有限, 公司) costs no more than a rare one."""
    query = query.strip()
    if CREDIT_CODE_RE.match(query.upper()):
        codes = (
            [query.upper()] if current_results().filter(credit_code=query.upper()).exists() else []
        )
    else:
        pieces = name_bigrams(query)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT DISTINCT credit_code FROM (
                    SELECT credit_code FROM publication_publicresult
                    WHERE is_current AND public_name_bigrams(enterprise_name) @> %s::text[]
                      AND strpos(enterprise_name, %s) > 0
                    LIMIT %s
                ) AS found LIMIT %s
                """,
                [pieces, query, 20 * (limit + 1), limit + 1],
            )
            codes = [row[0] for row in cursor.fetchall()]
    if not codes:
        return []
    counts = dict(
        current_results()
        .filter(credit_code__in=codes)
        .values("credit_code")
        .annotate(count=Count("pk"))
        .values_list("credit_code", "count")
    )
    latest = {
        row.credit_code: row
        for row in current_results()
        .filter(credit_code__in=codes)
        .order_by("credit_code", "-published_at")
        .distinct("credit_code")
    }
    return [
        {
            "credit_code": code,
            "name": latest[code].enterprise_name,
            "registering_authority": latest[code].registering_authority,
            "count": counts.get(code, 0),
            "latest": latest[code].published_at,
        }
        for code in sorted(codes)
        if code in latest
    ]


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

"""Open data: the published tasks and results of a year as CSV and JSON, streamed row by row.

The column names are stable (documented in docs/public-site.md); a new column is only ever added
at the end, never renamed or removed."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from publication.site.models import PublicResult
from publication.site.selectors import published_tasks
from tasks.models import Task

RESULT_COLUMNS = [
    "task_code",
    "task_title",
    "plan_year",
    "plan_item",
    "inspection_type",
    "joint",
    "lead_department",
    "departments",
    "enterprise_name",
    "credit_code",
    "registering_authority",
    "completed_on",
    "result",
    "result_codes",
    "remarks",
    "version",
    "corrected",
    "correction_reason",
    "published_at",
]
TASK_COLUMNS = [
    "task_code",
    "task_title",
    "lead_department",
    "participating_departments",
    "matters",
    "inspection_type",
    "start_date",
    "end_date",
    "objects",
]


def result_rows(year: int) -> Iterator[dict[str, Any]]:
    results: QuerySet[PublicResult] = (
        PublicResult.objects.filter(is_current=True, year=year)
        .select_related("lead_department")
        .order_by("published_at", "pk")
    )
    for row in results.iterator(chunk_size=2000):
        yield {
            "task_code": row.task_code,
            "task_title": row.task_title,
            "plan_year": row.plan_year or "",
            "plan_item": row.plan_title,
            "inspection_type": "directed" if row.is_directed else "undirected",
            "joint": "yes" if row.is_joint else "no",
            "lead_department": row.lead_department.name,
            "departments": row.departments,
            "enterprise_name": row.enterprise_name,
            "credit_code": row.credit_code,
            "registering_authority": row.registering_authority,
            "completed_on": row.completed_on.isoformat() if row.completed_on else "",
            "result": row.result_text,
            "result_codes": ";".join(row.categories),
            "remarks": row.remarks,
            "version": row.version,
            "corrected": "yes" if row.version > 1 else "no",
            "correction_reason": row.correction_reason,
            "published_at": row.published_at.isoformat(),
        }


def task_rows(year: int) -> Iterator[dict[str, Any]]:
    tasks: QuerySet[Task] = published_tasks(year=year).prefetch_related(
        "participating_departments", "matters"
    )
    for task in tasks.order_by("start_date", "pk").iterator(chunk_size=500):
        yield {
            "task_code": task.code,
            "task_title": task.title,
            "lead_department": task.lead_department.name,
            "participating_departments": ";".join(
                d.name for d in task.participating_departments.all()
            ),
            "matters": ";".join(f"{m.code} {m.name}" for m in task.matters.all()),
            "inspection_type": "directed" if task.is_directed else "undirected",
            "start_date": task.start_date.isoformat(),
            "end_date": task.end_date.isoformat(),
            "objects": task.published_objects or 0,  # type: ignore[attr-defined]
        }


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(columns: list[str], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    writer = csv.DictWriter(_Echo(), fieldnames=columns)
    yield "\ufeff" + writer.writeheader()
    for row in rows:
        yield writer.writerow(row)


def json_stream(columns: list[str], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"columns": ' + json.dumps(columns) + ', "rows": ['
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "]}\n"


DATASETS = {"results": (RESULT_COLUMNS, result_rows), "tasks": (TASK_COLUMNS, task_rows)}

"""The task list as CSV/XLSX (through the one tabular export), for the page and the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase

from platform_site.exports import table_response
from tasks.models import Task

EXPORT_HEADER = [
    "code",
    "title",
    "status",
    "lead_department",
    "participants",
    "start_date",
    "end_date",
    "groups",
    "plan_item",
    "adhoc",
]


def _export_rows(tasks: QuerySet[Task]) -> Iterator[list[Any]]:
    for task in tasks.prefetch_related("participating_departments").iterator(chunk_size=500):
        yield [
            task.code,
            task.title,
            task.get_status_display(),
            task.lead_department.code,
            " ".join(d.code for d in task.participating_departments.all()),
            task.start_date.isoformat(),
            task.end_date.isoformat(),
            task.groups,
            task.plan_item.title if task.plan_item else "",
            "1" if task.is_adhoc else "0",
        ]


def task_export_response(tasks: QuerySet[Task], export_format: str) -> HttpResponseBase:
    return table_response(
        export_format=export_format,
        filename="tasks",
        header=EXPORT_HEADER,
        rows=_export_rows(tasks),
        sheet_title="tasks",
    )

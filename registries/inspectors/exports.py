"""The inspector registry's tables as files: inspectors and experts (the import's columns, so an
export can be edited and imported again), the empty import templates, and recusals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone

from platform_site.exports import csv_response, table_response
from registries.drawable import EXPERT_DEPARTMENT
from registries.inspectors.importing import (
    EXPERT_COLUMNS,
    INSPECTOR_COLUMNS,
    KIND_EXPERTS,
)
from registries.models import Expert, Inspector, Recusal


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(value)
    return value


def inspector_export_rows(inspectors: Iterable[Inspector]) -> Iterator[list[Any]]:
    for inspector in inspectors:
        yield [
            inspector.code,
            inspector.name,
            inspector.department.code,
            inspector.post,
            inspector.certificate_number,
            _plain(inspector.certificate_valid_from),
            _plain(inspector.certificate_valid_until),
            _plain(inspector.tags),
            inspector.region_code,
            inspector.grid,
            inspector.get_status_display(),
            _plain(inspector.status_since),
            _plain(inspector.status_until),
            inspector.max_load,
        ]


def expert_export_rows(experts: Iterable[Expert]) -> Iterator[list[Any]]:
    for expert in experts:
        yield [
            expert.code,
            expert.name,
            expert.organisation,
            expert.speciality,
            _plain(expert.tags),
            expert.get_status_display(),
            expert.max_load,
        ]


def export_response(kind: str, queryset: Iterable[Any], file_format: str) -> HttpResponseBase:
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == KIND_EXPERTS:
        header, rows, name = (
            [label for _f, label in EXPERT_COLUMNS],
            expert_export_rows(queryset),
            "experts",
        )
    else:
        header, rows, name = (
            [label for _f, label in INSPECTOR_COLUMNS],
            inspector_export_rows(queryset),
            "inspectors",
        )
    return table_response(
        export_format=file_format,
        filename=f"{name}-{stamp}",
        header=header,
        rows=([_plain(value) for value in row] for row in rows),
    )


def template_response(kind: str) -> HttpResponseBase:
    """An empty CSV with the import header (UTF-8 with BOM, which Excel opens correctly)."""
    columns = EXPERT_COLUMNS if kind == KIND_EXPERTS else INSPECTOR_COLUMNS
    return csv_response(
        filename=f"{kind}-template", header=[label for _f, label in columns], rows=[]
    )


def recusal_export_response(recusals: QuerySet[Recusal], export_format: str) -> HttpResponseBase:
    header = [
        "人员编码",
        "姓名",
        "部门代码",
        "对象代码",
        "对象名称",
        "回避事由",
        "说明",
        "状态",
        "申报时间",
        "处理意见",
    ]
    rows = (
        [
            recusal.person.code,
            recusal.person.name,
            recusal.inspector.department.code if recusal.inspector else EXPERT_DEPARTMENT,
            recusal.inspection_object.code,
            recusal.inspection_object.name,
            recusal.get_reason_display(),
            recusal.note,
            recusal.get_status_display(),
            timezone.localtime(recusal.declared_at).strftime("%Y-%m-%d %H:%M"),
            recusal.decision_note,
        ]
        for recusal in recusals.iterator(chunk_size=2000)
    )
    return table_response(
        export_format=export_format,
        filename=f"recusals-{timezone.localdate():%Y%m%d}",
        header=header,
        rows=rows,
    )

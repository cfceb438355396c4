"""The plan lists as CSV/XLSX (through the one tabular export), for the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http.response import HttpResponseBase

from plans.models import PeakSeason, PlanItem
from plans.scoping import format_bp
from platform_site.exports import csv_response, table_response
from registries.scopes import describe_scope

ITEM_HEADER = [
    "id",
    "牵头部门",
    "任务名称",
    "抽查事项",
    "配合部门",
    "定向",
    "抽查对象范围",
    "A",
    "B",
    "C",
    "D",
    "计划时间",
    "状态",
    "备注",
]


def _item_row(item: PlanItem) -> list:
    return [
        item.pk,
        item.department.display_name,
        item.title,
        "；".join(f"{matter.code} {matter.name}" for matter in item.matters.all()),
        "、".join(department.display_name for department in item.participating_departments.all()),
        "定向" if item.directed else "不定向",
        describe_scope(item.scope),
        *(format_bp(item.ratios.get(risk_class)) for risk_class in "ABCD"),
        item.window_label,
        item.get_status_display(),
        item.notes,
    ]


def plan_item_export_response(
    items: QuerySet[PlanItem], *, year: int, export_format: str
) -> HttpResponseBase:
    return table_response(
        export_format=export_format,
        filename=f"plan-items-{year}",
        header=ITEM_HEADER,
        rows=(_item_row(item) for item in items),
        sheet_title="计划事项",
    )


PEAK_SEASON_HEADER = ["行业代码前缀", "旺季月份", "说明", "启用"]


def peak_season_export_response(seasons: Iterable[PeakSeason]) -> HttpResponseBase:
    return csv_response(
        filename="peak-seasons",
        header=PEAK_SEASON_HEADER,
        rows=(
            (season.industry_prefix, season.months_label, season.note, season.is_active)
            for season in seasons
        ),
    )

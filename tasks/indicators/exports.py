"""XLSX of every indicator table: the indicators with their targets, the monthly trend, the
league table with overdue items and draw statistics, and the records behind one indicator."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from platform_site.exports import safe_cell
from tasks.indicators.league import LeagueRow
from tasks.indicators.live import Indicator, Unit


def _sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]):
    sheet = workbook.create_sheet(title)
    sheet.append([str(cell) for cell in header])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


def _percent(value_bp: int | None) -> float | None:
    return None if value_bp is None else value_bp / 100


def indicators_rows(indicators: list[Indicator]) -> list[list[Any]]:
    return [
        [
            indicator.label,
            _percent(indicator.target_bp),
            _percent(indicator.value_bp),
            indicator.numerator,
            indicator.denominator,
            indicator.status_label,
        ]
        for indicator in indicators
    ]


INDICATOR_HEADER = ("指标", "目标值（%）", "当前值（%）", "分子", "分母", "状态")
LEAGUE_HEADER = (
    "名次", "部门", "达标指标数", "有数据指标数", "逾期未录入结果", "逾期未办结措施",
    "未签收抄告", "逾期未会审", "公告抽取次数", "撤回公告", "作废", "重新抽取", "抽取失败",
    "替补抽取",
)  # fmt: skip


def league_rows(rows: list[LeagueRow]) -> list[list[Any]]:
    return [
        [
            row.rank,
            row.department.name,
            row.met,
            row.measured,
            row.overdue.results,
            row.overdue.measures,
            row.overdue.notices,
            row.overdue.reviews,
            row.draws.announced,
            row.draws.withdrawn,
            row.draws.voided,
            row.draws.redraws,
            row.draws.failed,
            row.draws.replacements,
        ]
        for row in rows
    ]


def workbook_bytes(
    *, scope_name: str, indicators: list[Indicator], league: list[LeagueRow] | None = None
) -> bytes:
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("指标"), [_("范围"), *INDICATOR_HEADER], (
        [scope_name, *row] for row in indicators_rows(indicators)
    ))  # fmt: skip
    _sheet(
        workbook,
        _("月度趋势"),
        [_("指标"), *[f"{month}月" for month in range(1, 13)]],
        (
            [indicator.label, *[_percent(point.value_bp) for point in indicator.trend]]
            for indicator in indicators
        ),
    )
    if league is not None:
        _sheet(workbook, _("部门排名"), LEAGUE_HEADER, league_rows(league))
        keys = [indicator.key for indicator in indicators]
        _sheet(
            workbook,
            _("部门指标"),
            [_("部门"), *[indicator.label for indicator in indicators]],
            (
                [row.department.name, *[_percent(row.by_key[key].value_bp) for key in keys]]
                for row in league
            ),
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def units_bytes(indicator: Indicator, units: list[Unit]) -> bytes:
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        _("明细"),
        [_("类型"), _("编号"), _("名称"), _("计入分子"), _("说明")],
        (
            [
                unit.kind,
                unit.ref_id,
                unit.label,
                _("是") if unit.in_numerator else _("否"),
                unit.note,
            ]
            for unit in units
        ),
    )
    _sheet(workbook, _("指标"), INDICATOR_HEADER, indicators_rows([indicator]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

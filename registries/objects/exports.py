"""CSV and XLSX exports of any filtered list of inspection objects.

Rows come from a server-side cursor (`iterator(chunk_size=…)`) as plain tuples, so a million-row
export holds only a chunk in memory; `platform_site.exports.table_response` writes them (CSV
streamed, XLSX from a temporary file), every text cell through safe_cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, QuerySet, Subquery
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exports import safe_cell, table_response
from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale
from registries.models import InspectionObject, ObjectSupervision

CHUNK_SIZE = 2_000


def _columns() -> list[tuple[str, str]]:
    return [
        ("code", _("统一社会信用代码/对象编码")),
        ("name", _("名称")),
        ("kind", _("对象类型")),
        ("legal_representative", _("法定代表人/负责人")),
        ("address", _("住所（经营场所）")),
        ("region_code", _("行政区划代码")),
        ("industry_code", _("行业代码")),
        ("licence_types", _("许可类别")),
        ("scale", _("规模")),
        ("risk_class", _("信用风险分类")),
        ("status", _("登记状态")),
        ("registering_authority", _("登记机关")),
        ("grid", _("网格")),
        ("department_codes", _("监管部门")),
        ("anomaly_since", _("列入经营异常名录日期")),
        ("anomaly_source", _("经营异常名录来源")),
        ("serious_violation_since", _("列入严重违法失信名单日期")),
        ("serious_violation_source", _("严重违法失信名单来源")),
        ("penalised_at", _("最近一次行政处罚日期")),
        ("penalised_source", _("行政处罚来源")),
        ("group_complaint_at", _("最近一次集体投诉属实日期")),
        ("group_complaint_source", _("集体投诉来源")),
    ]


def _labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {value: str(label) for value, label in ObjectKind.choices},
        "scale": {value: str(label) for value, label in Scale.choices},
        "risk_class": {value: str(label) for value, label in RiskClass.choices},
        "status": {value: str(label) for value, label in ObjectStatus.choices},
    }


def export_rows(queryset: QuerySet[InspectionObject]) -> Iterator[list[Any]]:
    """The header, then one list of cell values per object (formula-safe, labels in Chinese)."""
    columns = _columns()
    yield [label for _field, label in columns]
    for row in _plain_rows(queryset, columns):
        yield [safe_cell(value) for value in row]


def _plain_rows(
    queryset: QuerySet[InspectionObject], columns: list[tuple[str, str]]
) -> Iterator[list[Any]]:
    departments = (
        ObjectSupervision.objects.filter(
            inspection_object=OuterRef("pk"), status=ObjectSupervision.Status.CLAIMED
        )
        .order_by()
        .values("inspection_object")
        .annotate(codes=StringAgg("department__code", delimiter=" ", order_by="department__code"))
        .values("codes")
    )
    rows = (
        queryset.order_by("id")
        .annotate(department_codes=Subquery(departments))
        .values_list(*[field for field, _label in columns])
    )
    labels = _labels()
    positions = {field: index for index, (field, _label) in enumerate(columns)}
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        cells = list(row)
        for field, names in labels.items():
            position = positions[field]
            cells[position] = names.get(cells[position], cells[position])
        licences = positions["licence_types"]
        cells[licences] = "、".join(cells[licences] or [])
        yield [_plain(value) for value in cells]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_response(queryset: QuerySet[InspectionObject], export_format: str) -> HttpResponseBase:
    columns = _columns()
    return table_response(
        export_format=export_format,
        filename=f"inspection-objects-{timezone.localdate():%Y%m%d}",
        header=[label for _field, label in columns],
        rows=_plain_rows(queryset, columns),
        sheet_title=_("检查对象"),
    )

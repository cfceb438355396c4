"""CSV and XLSX exports of any filtered list of inspection objects.

Both stream: rows come from a server-side cursor (`iterator(chunk_size=…)`) as plain tuples, so a
million-row export holds only a chunk in memory. CSV is written straight into the response
(UTF-8 with a BOM, so Excel detects the encoding); XLSX is written by openpyxl in write-only mode
into a temporary file (a zip cannot be streamed before it is finished) and then sent from disk.
Every text cell goes through safe_cell against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exports import Echo, safe_cell
from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale
from registries.models import InspectionObject, ObjectSupervision

CHUNK_SIZE = 2_000
BOM = "\ufeff"


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
    yield [label for _field, label in columns]
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        cells = list(row)
        for field, names in labels.items():
            position = positions[field]
            cells[position] = names.get(cells[position], cells[position])
        licences = positions["licence_types"]
        cells[licences] = "、".join(cells[licences] or [])
        yield [_cell(value) for value in cells]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def _filename(extension: str) -> str:
    return f"inspection-objects-{timezone.localdate():%Y%m%d}.{extension}"


def export_csv(queryset: QuerySet[InspectionObject]) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield BOM
        for row in export_rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def write_xlsx(queryset: QuerySet[InspectionObject], target) -> None:
    """Write the export as an XLSX workbook into a binary file object (write-only: constant memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("检查对象"))
    for row in export_rows(queryset):
        sheet.append(row)
    workbook.save(target)


def export_xlsx(queryset: QuerySet[InspectionObject]) -> FileResponse:
    # The temporary file is deleted when the response closes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(queryset, target)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(queryset: QuerySet[InspectionObject], export_format: str):
    if export_format == "xlsx":
        return export_xlsx(queryset)
    return export_csv(queryset)

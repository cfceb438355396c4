"""CSV (UTF-8 with BOM, for Excel) and XLSX exports of a filtered matter list, formula-safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import openpyxl
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from catalog.models import Matter
from catalog.snapshots import display_value
from platform_site.exports import Echo, safe_cell

HEADER = [
    "事项编码", "抽查事项", "领域", "事项类别", "比例上限", "抽查对象", "检查方式", "实施部门",
    "配合部门", "实施主体（原文）", "抽查依据", "检查内容", "通用事项", "联合事项", "清单年度",
    "生效日期", "失效日期", "状态", "修订次数", "来源清单",
]  # fmt: skip


def _row(matter: Matter) -> list:
    return [
        matter.code,
        matter.name,
        matter.field,
        matter.get_category_display(),
        display_value("ratio_cap_bp", matter.ratio_cap_bp) if not matter.is_key else "—",
        matter.object_type,
        display_value("methods", list(matter.methods)),
        "、".join(d.name for d in matter.implementing_departments.all()),
        "、".join(d.name for d in matter.participating_departments.all()),
        matter.implementing_subject_text,
        matter.legal_basis,
        matter.inspection_content,
        "是" if matter.is_common else "否",
        "是" if matter.is_joint else "否",
        matter.list_year,
        matter.effective_from.isoformat(),
        matter.effective_until.isoformat() if matter.effective_until else "",
        matter.get_status_display(),
        matter.revision,
        matter.source,
    ]


def matter_rows(matters: Iterable[Matter]) -> Iterator[list]:
    for matter in matters:
        yield [safe_cell(value) for value in _row(matter)]


def _filename(extension: str) -> str:
    return f"matters-{timezone.localdate().isoformat()}.{extension}"


def matter_csv_response(matters) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff" + writer.writerow(HEADER)
        for row in matter_rows(matters.iterator(chunk_size=500)):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def matter_xlsx_response(matters) -> HttpResponse:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("抽查事项清单")
    sheet.append(HEADER)
    for row in matter_rows(matters.iterator(chunk_size=500)):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response

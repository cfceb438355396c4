"""CSV (UTF-8 with BOM, for Excel) and XLSX exports of a filtered matter list, formula-safe."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.utils import timezone

from catalog.models import Matter
from catalog.snapshots import display_value
from platform_site.exports import table_response

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


def matter_export_response(matters, export_format: str) -> HttpResponseBase:
    return table_response(
        export_format=export_format,
        filename=f"matters-{timezone.localdate().isoformat()}",
        header=HEADER,
        rows=(_row(matter) for matter in matters.iterator(chunk_size=500)),
        sheet_title="抽查事项清单",
    )

"""The columns of an object import file: Chinese headers as users type them, English aliases.

Each column has a stable key (the staging-table column it feeds) and the Chinese label used in the
template and in the error report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from platform_site.exports import csv_response


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "统一社会信用代码/对象编码",
        ("统一社会信用代码", "对象编码", "信用代码", "编码", "code", "uscc"),
        True,
    ),
    Column("name", "名称", ("对象名称", "企业名称", "主体名称", "name"), True),
    Column("kind", "对象类型", ("类型", "主体类型", "kind", "type")),
    Column(
        "legal_representative",
        "法定代表人",
        ("法定代表人/负责人", "负责人", "legal_representative"),
    ),
    Column("address", "住所", ("住所(经营场所)", "经营场所", "地址", "address")),
    Column("region_code", "行政区划代码", ("区划代码", "region_code", "region"), True),
    Column("industry_code", "行业代码", ("行业代码(gb/t4754)", "industry_code", "industry")),
    Column("licence_types", "许可类别", ("许可类型", "licence_types", "license_types", "licences")),
    Column("scale", "规模", ("企业规模", "scale")),
    Column("risk_class", "信用风险分类", ("风险分类", "信用风险分类结果", "risk_class", "risk")),
    Column("status", "登记状态", ("状态", "经营状态", "status")),
    Column("registering_authority", "登记机关", ("registering_authority", "authority")),
    Column("grid", "网格", ("所属网格", "grid")),
    Column("departments", "监管部门", ("监管部门代码", "supervising_departments", "departments")),
    Column("anomaly_since", "经营异常名录日期", ("列入经营异常名录日期", "anomaly_since")),
    Column("anomaly_source", "经营异常名录来源", ("anomaly_source",)),
    Column(
        "serious_violation_since",
        "严重违法失信名单日期",
        ("列入严重违法失信名单日期", "serious_violation_since"),
    ),
    Column("serious_violation_source", "严重违法失信名单来源", ("serious_violation_source",)),
    Column("penalised_at", "行政处罚日期", ("最近一次行政处罚日期", "penalised_at")),
    Column("penalised_source", "行政处罚来源", ("penalised_source",)),
    Column(
        "group_complaint_at", "集体投诉日期", ("最近一次集体投诉属实日期", "group_complaint_at")
    ),
    Column("group_complaint_source", "集体投诉来源", ("group_complaint_source",)),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "／": "/", "　": ""})
_NOISE = re.compile(r"[\s*＊]+")


def normalise_header(text: str) -> str:
    """'  统一社会信用代码* ' and 'Code' both become a lookup key."""
    return _NOISE.sub("", str(text or "").replace("\ufeff", "").translate(_FULL_WIDTH)).lower()


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.label, _column.key, *_column.aliases):
        _LOOKUP.setdefault(normalise_header(_name), _column.key)


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in the file (absent columns are missing from ``positions``)."""

    positions: dict[str, int]
    labels: dict[str, str]  # key -> the header text as the file spells it
    width: int

    def has(self, key: str) -> bool:
        return key in self.positions

    def label(self, key: str) -> str:
        return self.labels.get(key) or COLUMN_BY_KEY[key].label


class HeaderError(ValueError):
    pass


def map_header(header: list[str]) -> HeaderMap:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, raw in enumerate(header):
        key = _LOOKUP.get(normalise_header(raw))
        if key is None:
            continue
        if key in positions:
            raise HeaderError(
                _("表头中“%(label)s”列出现了不止一次。") % {"label": COLUMN_BY_KEY[key].label}
            )
        positions[key] = index
        labels[key] = str(raw).strip().replace("\ufeff", "")
    missing = [
        column.label for column in COLUMNS if column.required and column.key not in positions
    ]
    if missing:
        raise HeaderError(
            _("缺少必填列：%(columns)s。第一行必须是表头，可下载导入模板对照。")
            % {"columns": "、".join(missing)}
        )
    return HeaderMap(positions=positions, labels=labels, width=len(header))


# The import template's example row (one line under the header), as the page and the API send it.
TEMPLATE_EXAMPLE = ["91330102MA2H3K4L5W", "临江市示例贸易有限公司", "企业", "张三", "临江市江滨路1号", "330102",
                    "F5221", "食品经营；药品经营", "小型", "B", "存续", "临江市市场监督管理局", "网格01", "", "",
                    "", "", "", "", "", "", ""]  # fmt: skip


def import_template_response() -> HttpResponse | StreamingHttpResponse:
    """The empty import file (every header, one example row) that the page and the API offer."""
    return csv_response(
        filename="object-import-template",
        header=[column.label for column in COLUMNS],
        rows=[TEMPLATE_EXAMPLE],
        stream=False,
    )

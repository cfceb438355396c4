"""Which city department a department name in a provincial list means.

Provincial lists name departments generically ("县级以上市场监管部门", "住房和城乡建设部门",
"省人力资源和社会保障厅"). The city's departments have stable codes (SAMR, EEB…), so a small keyword
table maps a name to a code; the matter keeps the original wording as text, and names that match no
department of the city (公安, 税务, "市场监管领域相关部门"…) are reported as preview warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Checked in order: the first rule whose keyword occurs in a name wins. Housing comes before market
# regulation because "房地产市场监管部门" and "建筑市场监管部门" are housing departments.
DEPARTMENT_KEYWORDS: list[tuple[tuple[str, ...], str | None]] = [
    (("相关部门",), None),  # "市场监管领域相关部门": every department concerned, not one of them
    (("住房", "城乡建设", "房地产", "建筑市场", "燃气", "建设"), "HOUSE"),
    (("生态环境", "环境保护", "环保"), "EEB"),
    (("市场监管", "市场监督", "知识产权", "质量技术监督", "工商"), "SAMR"),
    (("交通", "港航", "公路", "道路运输", "运输"), "TRANS"),
    (("文化", "旅游", "旅文", "广电", "文物"), "CULT"),
    (("农业", "畜牧", "兽医", "动物疫病", "渔业", "农村"), "AGRI"),
    (("应急",), "EMB"),
    (("卫生", "卫健", "计生", "疾病预防"), "HEALTH"),
    (("商务",), "COMM"),
    (("消防",), "FIRE"),
    (("自然资源", "国土", "规划"), "NRB"),
    (("人力资源", "社会保障", "劳动保障", "人社", "劳动"), "HRSS"),
    # Known bodies that are not member departments of the demo city: kept as text.
    (
        (
            "公安",
            "教育",
            "税务",
            "海关",
            "统计",
            "发展改革",
            "发改",
            "工业和信息化",
            "综合行政执法",
        ),
        None,
    ),
]

_SPLIT = re.compile(r"[、，,；;／/\n]+|(?<=部门)和|(?<=部门)及|(?<=机构)和|(?<=局)和|或|\s+")


@dataclass
class DepartmentMatch:
    codes: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def code_for_name(name: str) -> str | None:
    """The department code a single name stands for, or None when it names no city department."""
    for keywords, code in DEPARTMENT_KEYWORDS:
        if any(keyword in name for keyword in keywords):
            return code
    return None


def split_names(text: str | None) -> list[str]:
    if not text:
        return []
    parts = (part.strip(" 　()（）") for part in _SPLIT.split(text))
    return [part for part in parts if len(part) > 1]  # a lone "省" left by "省、跨区域稽查局"


def match_departments(
    names: list[str] | tuple[str, ...] | str | None, known_codes: set[str]
) -> DepartmentMatch:
    """Codes (in first-mention order, only those present in `known_codes`) and unmatched names."""
    if isinstance(names, str) or names is None:
        names = split_names(names)
    else:
        names = [part for name in names for part in split_names(name)]
    match = DepartmentMatch()
    for name in names:
        code = code_for_name(name)
        if code is not None and code in known_codes:
            if code not in match.codes:
                match.codes.append(code)
        elif name not in match.unmatched:
            match.unmatched.append(name)
    return match

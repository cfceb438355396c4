"""Turn a provincial list (read by catalog.sources) into the matters it describes, and compare them
with the current list. Pure reads: the services decide what is written."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Department
from catalog.choices import ImplementingLevel, InspectionMethod, MatterCategory, MatterStatus
from catalog.departments import match_departments
from catalog.models import Matter
from catalog.snapshots import EDITABLE_FIELDS, matter_snapshot
from catalog.sources import MatterRecord, MatterSheet

# Method words of the provincial lists -> InspectionMethod. First matching rule wins, so
# "非现场检查" is a written check, not an on-site one.
METHOD_KEYWORDS: list[tuple[tuple[str, ...], str]] = [
    (("非现场", "书面", "查阅", "资料", "备案审查", "调账", "自查"), InspectionMethod.WRITTEN),
    (("网络", "线上", "技术监测", "在线"), InspectionMethod.NETWORK),
    (("抽样", "检测", "检验"), InspectionMethod.SAMPLING),
    (("委托", "专业机构", "第三方"), InspectionMethod.COMMISSIONED),
    (
        ("实地", "现场", "稽查", "查看", "询问", "专项检查", "随机检查", "定期"),
        InspectionMethod.ON_SITE,
    ),
]

# Fields the file decides; the rest (is_common, scope, frequency unless stated…) stay as edited.
IMPORTED_FIELDS = tuple(
    name
    for name in EDITABLE_FIELDS
    if name not in ("is_common", "scope", "frequency", "effective_from")
)


def map_methods(words: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """(InspectionMethod values in choice order, words that matched none)."""
    found: set[str] = set()
    unknown: list[str] = []
    for word in words:
        hit = next(
            (method for keywords, method in METHOD_KEYWORDS if any(k in word for k in keywords)),
            None,
        )
        if hit is None:
            unknown.append(word)
        else:
            found.add(hit)
    return [method for method in InspectionMethod.values if method in found], unknown


def _ratio_from_raw(raw: dict[str, str | None]) -> int | None:
    for key, value in raw.items():
        if "比例" in key and value:
            number = re.search(r"(\d+(?:\.\d+)?)\s*[%％]", value)
            if number:
                return min(10000, round(float(number[1]) * 100))
    return None


def _frequency_from_raw(raw: dict[str, str | None]) -> str | None:
    for key, value in raw.items():
        if "频次" in key and value:
            return value.replace("\n", " ")[:100]
    return None


def _implementing_level(subject: str | None) -> str:
    text = subject or ""
    if "县级以上" in text or "以下" in text or not text:
        return ImplementingLevel.ALL
    if text.startswith(("省级", "省")) or text.startswith("海南省"):
        return ImplementingLevel.PROVINCE
    return ImplementingLevel.ALL


@dataclass
class ImportOptions:
    list_name: str
    code_prefix: str
    list_year: int
    effective_from: date
    complete_list: bool
    default_ratio_cap_bp: int


@dataclass
class Warnings:
    """Warnings grouped by (kind, wording) so that 108 rows of one unmatched name make one line."""

    groups: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, kind: str, wording: str, code: str) -> None:
        codes = self.groups.setdefault((kind, wording), [])
        if code not in codes:
            codes.append(code)

    def as_list(self) -> list[dict[str, Any]]:
        labels = {
            "implementing": _("实施主体未对应到本市部门"),
            "participating": _("配合部门未对应到本市部门"),
            "method": _("检查方式未能识别"),
            "category": _("事项类别未注明，按一般事项处理"),
        }
        return [
            {
                "kind": kind,
                "message": str(labels[kind]),
                "wording": wording,
                "codes": codes,
                "count": len(codes),
            }
            for (kind, wording), codes in self.groups.items()
        ]


def record_values(
    record: MatterRecord, options: ImportOptions, known_codes: set[str], warnings: Warnings
) -> tuple[str, dict[str, Any]]:
    """(code, field values) of the matter a record describes; department fields hold codes."""
    code = f"{options.code_prefix}{record.code}"
    is_joint = bool(record.lead_department or record.cooperating_departments)
    if is_joint:
        implementing_text = record.lead_department or ""
        implementing = match_departments(implementing_text, known_codes)
    else:
        implementing_text = record.implementing_subject or ""
        implementing = match_departments(implementing_text, known_codes)
        if not implementing.codes and record.compiling_department:
            fallback = match_departments(record.compiling_department, known_codes)
            if fallback.codes:
                implementing = fallback
    for name in implementing.unmatched:
        warnings.add("implementing", name, code)
    participating = match_departments(list(record.cooperating_departments), known_codes)
    for name in participating.unmatched:
        warnings.add("participating", name, code)
    participating_codes = [c for c in participating.codes if c not in implementing.codes]

    methods, unknown_methods = map_methods(record.methods)
    for word in unknown_methods:
        warnings.add("method", word, code)

    category = MatterCategory.KEY if record.is_key else MatterCategory.GENERAL
    if record.is_key is None and record.category_label:
        warnings.add("category", record.category_label, code)
    values: dict[str, Any] = {
        "name": record.name[:300],
        "field": (record.field or "")[:100],
        "legal_basis": record.legal_basis or "",
        "object_type": (record.object_type or "")[:300],
        "inspection_content": record.inspection_content or "",
        "methods": methods,
        "category": category,
        "ratio_cap_bp": _ratio_from_raw(record.raw),
        "implementing_level": _implementing_level(record.implementing_subject),
        "is_joint": is_joint,
        "list_year": options.list_year,
        "source": options.list_name,
        "compiling_department": (record.compiling_department or "")[:100],
        "implementing_subject_text": implementing_text,
        "participating_departments_text": "、".join(record.cooperating_departments),
        "implementing_departments": sorted(implementing.codes),
        "participating_departments": sorted(participating_codes),
    }
    frequency = _frequency_from_raw(record.raw)
    if frequency:
        values["frequency"] = frequency
    return code, values


def _ratio_for(values: dict[str, Any], existing: dict[str, Any] | None, default: int) -> int | None:
    if values["category"] == MatterCategory.KEY:
        return None
    if values["ratio_cap_bp"] is not None:
        return values["ratio_cap_bp"]
    if existing is not None and existing.get("ratio_cap_bp") is not None:
        return existing["ratio_cap_bp"]
    return default


def compute_diff(
    sheet: MatterSheet, options: ImportOptions
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The preview: what applying this sheet would add, change, retire and leave unchanged.

    ``added`` items carry every value; ``changed`` items carry field -> [before, after];
    ``retired`` lists active matters of the same list absent from the file (only for a complete
    list). The result is plain JSON, stored on the MatterImport and compared again at apply time.
    """
    known_codes = set(
        Department.objects.filter(is_active=True, kind="department").values_list("code", flat=True)
    )
    warnings = Warnings()
    wanted: list[tuple[MatterRecord, str, dict[str, Any]]] = []
    for record in sheet.records:
        code, values = record_values(record, options, known_codes, warnings)
        wanted.append((record, code, values))

    codes = [code for _, code, _ in wanted]
    existing = {
        matter.code: matter_snapshot(matter, check_points=[])
        for matter in Matter.objects.filter(code__in=codes).prefetch_related(
            "implementing_departments", "participating_departments"
        )
    }
    diff: dict[str, Any] = {"added": [], "changed": [], "retired": [], "unchanged": []}
    for record, code, values in wanted:
        before = existing.get(code)
        values["ratio_cap_bp"] = _ratio_for(values, before, options.default_ratio_cap_bp)
        if before is None:
            values["effective_from"] = options.effective_from.isoformat()
            diff["added"].append(
                {"code": code, "row": record.source_row, "name": values["name"], "values": values}
            )
            continue
        changes = {
            name: [before.get(name), value]
            for name, value in values.items()
            if name in IMPORTED_FIELDS or name == "frequency"
            if before.get(name) != value
        }
        if before["status"] != MatterStatus.ACTIVE:
            changes["status"] = [before["status"], MatterStatus.ACTIVE]
            changes["effective_until"] = [before["effective_until"], None]
        if changes:
            diff["changed"].append(
                {"code": code, "row": record.source_row, "name": values["name"], "changes": changes}
            )
        else:
            diff["unchanged"].append(code)

    if options.complete_list:
        absent = (
            Matter.objects.filter(source=options.list_name, status=MatterStatus.ACTIVE)
            .exclude(code__in=codes)
            .order_by("code")
            .values_list("code", "name")
        )
        diff["retired"] = [{"code": code, "name": name} for code, name in absent]
    diff["fingerprint"] = list_fingerprint(codes, options.list_name)
    return diff, warnings.as_list()


def diff_codes(diff: dict[str, Any]) -> list[str]:
    return [item["code"] for item in diff["added"] + diff["changed"]] + list(diff["unchanged"])


def list_fingerprint(codes: list[str], list_name: str) -> str:
    """A digest of the state of every matter a diff depends on: those the file names and those of
    the same list. Any change to them (every change bumps the revision) changes the digest."""
    rows = (
        Matter.objects.filter(Q(code__in=codes) | Q(source=list_name))
        .order_by("code")
        .values_list("code", "revision", "status")
    )
    return hashlib.sha256(json.dumps(list(rows), ensure_ascii=False).encode()).hexdigest()

"""Plan-item arithmetic that needs no state change: ratio caps, draw estimates, scope overlap,
window intersection and peak-season warnings. Pure functions (plus read-only queries), so the
item form, the API estimate endpoint, the merge proposer and the indicators share one truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from catalog.models import Matter
from plans.choices import RISK_CLASSES
from registries.choices import MARKET_ENTITY_KINDS, RiskClass
from registries.models import InspectionObject
from registries.scopes import (
    ScopeError,
    clean_scope,
    objects_in_scope,
    scope_condition,
    special_list_condition,
)

FULL_RATIO_BP = 10000

# Scope keys a non-directed (不定向) item may still carry: the object kind and the supervising
# department roster are not "conditions" of the draw, they say which registry is drawn from.
NON_DIRECTED_KEYS = frozenset({"kinds", "departments", "statuses"})
# Dimensions in which an object has exactly one value, so disjoint filters exclude each other.
PREFIX_DIMENSIONS = ("industry_prefixes", "region_prefixes")
SINGLE_VALUE_DIMENSIONS = ("kinds", "risk_classes", "scales", "grids", "statuses")
# licence_types and departments are multi-valued on the object (an object may hold two licences
# or be supervised by two departments), so disjoint filters there never prove disjoint scopes.


# --- ratio caps -----------------------------------------------------------------------------


def item_cap_bp(matters: Iterable[Matter]) -> int:
    """The highest ratio an item may use: the smallest effective cap of its matters. Key matters
    have no cap (100 %), so a mixed item is held to the cap of its general matters."""
    return min((matter.effective_cap_bp for matter in matters), default=FULL_RATIO_BP)


def clean_ratios(ratios: dict[str, Any] | None, *, cap_bp: int) -> dict[str, int]:
    """Validate {risk class: basis points}: all four classes, integers within 0..cap."""
    ratios = ratios or {}
    unknown = sorted(set(ratios) - set(RISK_CLASSES))
    if unknown:
        raise ValidationError(
            {"ratios": _("未知的信用风险分类：%(keys)s") % {"keys": "、".join(unknown)}}
        )
    cleaned: dict[str, int] = {}
    errors = []
    for risk_class in RISK_CLASSES:
        value = ratios.get(risk_class)
        if value is None or value == "":
            errors.append(_("请填写%(cls)s类对象的抽查比例。") % {"cls": risk_class})
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors.append(_("%(cls)s类抽查比例必须是整数基点。") % {"cls": risk_class})
            continue
        if value < 0 or value > FULL_RATIO_BP:
            errors.append(_("%(cls)s类抽查比例须在 0%% 至 100%% 之间。") % {"cls": risk_class})
            continue
        if value > cap_bp:
            errors.append(
                _("%(cls)s类抽查比例 %(value)s 超过一般事项的比例上限 %(cap)s。")
                % {"cls": risk_class, "value": format_bp(value), "cap": format_bp(cap_bp)}
            )
            continue
        cleaned[risk_class] = value
    if errors:
        raise ValidationError({"ratios": errors})
    return cleaned


def uses_credit_classes(ratios: dict[str, int]) -> bool:
    """An item differentiates by credit class when its ratios are not all the same (001 II.3)."""
    return len({ratios.get(risk_class) for risk_class in RISK_CLASSES}) > 1


def format_bp(value: int | None) -> str:
    if value is None:
        return "—"
    percent = value / 100
    return f"{percent:.2f}".rstrip("0").rstrip(".") + "%"


def clean_item_scope(scope: dict[str, Any] | None, *, directed: bool) -> dict[str, list[str]]:
    try:
        cleaned = clean_scope(scope)
    except ScopeError as error:
        raise ValidationError({"scope": str(error)}) from None
    conditions = set(cleaned) - NON_DIRECTED_KEYS
    if not directed and conditions:
        raise ValidationError(
            {"scope": _("不定向抽查不设行业、区域、规模等筛选条件；如需筛选，请选择定向抽查。")}
        )
    if directed and not conditions:
        raise ValidationError(
            {
                "scope": _(
                    "定向抽查须至少设定一个筛选条件（行业、区域、规模、许可类别、信用风险分类等）。"
                )
            }
        )
    return cleaned


def clean_window(start_month: int, end_month: int) -> tuple[int, int]:
    if not (1 <= start_month <= 12 and 1 <= end_month <= 12):
        raise ValidationError({"window_start_month": _("计划月份须在 1 至 12 月之间。")})
    if end_month < start_month:
        raise ValidationError({"window_end_month": _("结束月份不能早于开始月份。")})
    return start_month, end_month


# --- draw estimates ---------------------------------------------------------------------------


def stratum_size(n: int, rate_bp: int) -> int:
    """The draw protocol's k (§4): ceil(n · rate_bp / 10000) with integers."""
    return (n * rate_bp + 9999) // 10000


@dataclass
class ClassEstimate:
    risk_class: str
    label: str
    population: int
    must: int
    rate_bp: int
    drawn: int

    @property
    def rate_label(self) -> str:
        return format_bp(self.rate_bp)


@dataclass
class ScopeEstimate:
    """How many objects a scope holds and how many the ratios will draw, like the draw protocol:
    every special-list object is drawn (MUST), the others by ceil(n · rate) per class."""

    total: int = 0
    must: int = 0
    expected: int = 0
    market_total: int = 0
    market_expected: int = 0
    classes: list[ClassEstimate] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "must": self.must,
            "expected": self.expected,
            "market_total": self.market_total,
            "market_expected": self.market_expected,
            "classes": [
                {
                    "risk_class": row.risk_class,
                    "population": row.population,
                    "must": row.must,
                    "rate_bp": row.rate_bp,
                    "drawn": row.drawn,
                }
                for row in self.classes
            ],
        }


def estimate_scope(
    scope: dict[str, Any] | None,
    ratios: dict[str, int],
    *,
    on: date | None = None,
    department_id: int | None = None,
) -> ScopeEstimate:
    """One grouped query: objects in scope per (risk class, kind), with the special-list count.
    With `department_id` (the item's department, the task's lead) the class is the department's
    current fused class, as the draw stratifies (registries.credit); else the general class."""
    from registries.credit.services import with_current_fused_class

    # The scope's risk classes select by the same class (registries.scopes.objects_in_scope).
    objects: QuerySet[Any]
    if department_id is not None:
        objects = with_current_fused_class(
            InspectionObject.objects.all(), department_id=department_id
        ).filter(scope_condition(scope, class_field="stratum"))
    else:
        objects = objects_in_scope(scope, stratum=F("risk_class"))
    rows = (
        objects.values("stratum", "kind")
        .annotate(n=Count("pk"), must=Count("pk", filter=special_list_condition(on)))
        .order_by()
    )
    per_class: dict[str, list[int]] = {risk_class: [0, 0, 0, 0] for risk_class in RISK_CLASSES}
    for row in rows:
        bucket = per_class.setdefault(row["stratum"], [0, 0, 0, 0])
        bucket[0] += row["n"]
        bucket[1] += row["must"]
        if row["kind"] in MARKET_ENTITY_KINDS:
            bucket[2] += row["n"]
            bucket[3] += row["must"]
    estimate = ScopeEstimate()
    labels = dict(RiskClass.choices)
    for risk_class, (n, must, market_n, market_must) in per_class.items():
        rate = int(ratios.get(risk_class) or 0)
        drawn = must + stratum_size(n - must, rate)
        estimate.classes.append(
            ClassEstimate(risk_class, str(labels.get(risk_class, risk_class)), n, must, rate, drawn)
        )
        estimate.total += n
        estimate.must += must
        estimate.expected += drawn
        estimate.market_total += market_n
        estimate.market_expected += market_must + stratum_size(market_n - market_must, rate)
    return estimate


# --- overlap and windows ----------------------------------------------------------------------


def _prefixes_overlap(left: list[str] | None, right: list[str] | None) -> bool:
    if not left or not right:
        return True  # unrestricted in this dimension
    return any(a.startswith(b) or b.startswith(a) for a in left for b in right)


def _sets_overlap(left: list[str] | None, right: list[str] | None) -> bool:
    if not left or not right:
        return True
    return bool(set(left) & set(right))


def scope_overlap(
    left: dict[str, Any] | None, right: dict[str, Any] | None
) -> dict[str, str] | None:
    """Can the two scopes share an object? Returns None when they cannot, otherwise the reason
    per dimension ("same", "nested", "unrestricted").

    Precisely: the conditions of a scope are AND-ed, so two scopes can share an object only if
    they are compatible in every dimension. A prefix dimension (industry, region) is compatible
    when either side is unrestricted or some prefix of one starts with a prefix of the other
    ("C13" and "C1391" overlap, "C13" and "C14" do not). A single-valued dimension (kind, risk
    class, scale, grid, status; status defaults to "active") is compatible when either side is
    unrestricted or the value sets intersect. Multi-valued attributes (licence types, supervising
    departments) never exclude: one object may hold both licences or have both supervisors.
    """
    left, right = clean_scope(left), clean_scope(right)
    left.setdefault("statuses", ["active"])
    right.setdefault("statuses", ["active"])
    reasons: dict[str, str] = {}
    for key in PREFIX_DIMENSIONS:
        a, b = left.get(key), right.get(key)
        if not _prefixes_overlap(a, b):
            return None
        reasons[key] = (
            "unrestricted" if not a or not b else ("same" if set(a) & set(b) else "nested")
        )
    for key in SINGLE_VALUE_DIMENSIONS:
        if not _sets_overlap(left.get(key), right.get(key)):
            return None
    return reasons


def window_intersection(windows: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    windows = list(windows)
    if not windows:
        return None
    start = max(window[0] for window in windows)
    end = min(window[1] for window in windows)
    return (start, end) if start <= end else None


# --- peak seasons -----------------------------------------------------------------------------


@dataclass
class PeakWarning:
    industry_prefix: str
    months: list[int]
    note: str

    @property
    def message(self) -> str:
        return _(
            "计划时间与行业 %(prefix)s 的生产经营旺季（%(months)s月%(note)s）重叠，请尽量避开。"
        ) % {
            "prefix": self.industry_prefix,
            "months": "、".join(str(month) for month in self.months),
            "note": f"，{self.note}" if self.note else "",
        }


def peak_season_warnings(
    scope: dict[str, Any] | None, start_month: int, end_month: int
) -> list[PeakWarning]:
    """Seasons of the industries in scope that overlap the window (000 art. 11). An item with no
    industry filter is not warned about every season of every industry."""
    from plans.models import PeakSeason

    try:
        industries = clean_scope(scope).get("industry_prefixes") or []
    except ScopeError:
        return []
    if not industries:
        return []
    window = set(range(start_month, end_month + 1))
    warnings = []
    for season in PeakSeason.objects.filter(is_active=True):
        if not _prefixes_overlap(industries, [season.industry_prefix]):
            continue
        overlap = sorted(window & set(season.months))
        if overlap:
            warnings.append(PeakWarning(season.industry_prefix, overlap, season.note))
    return warnings

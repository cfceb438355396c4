"""The indicators the office watches (domain.md, 003), computed on a plan before approval and
frozen into every approved version.

- expected enterprise sampling ratio = expected drawn market entities / active market entities in
  the registry (indicator ≥ 3 %). Items merged into one joint task visit the same door once, so
  a merged group counts as its largest member, not as the sum. Per department the denominator
  is the market entities the department supervises (all of them when it has claimed none yet).
- joint share = joint items / all items (≥ 30 %); an item is joint when other departments take
  part or it was merged into a joint task.
- matter coverage = active matters (common matters excluded: they ride along with every task)
  covered by at least one item / active matters; per department over the matters it implements
  (target 100 %).
- credit classes used = items whose ratios differ by credit risk class / all items (100 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.choices import MatterStatus
from catalog.models import Matter
from plans.choices import MergeStatus, PlanItemStatus
from plans.models import PlanItem, PlanYear
from plans.scoping import estimate_scope, format_bp, uses_credit_classes
from registries.choices import MARKET_ENTITY_KINDS, ObjectStatus
from registries.models import InspectionObject, ObjectSupervision

SAMPLING_TARGET_BP = 300
JOINT_TARGET_BP = 3000
COVERAGE_TARGET_BP = 10000
CREDIT_TARGET_BP = 10000
INCLUDED_STATUSES = (PlanItemStatus.SUBMITTED, PlanItemStatus.APPROVED)


def ratio_bp(numerator: int, denominator: int) -> int | None:
    if not denominator:
        return None
    return numerator * 10000 // denominator


@dataclass
class Measure:
    key: str
    label: str
    numerator: int
    denominator: int
    target_bp: int
    value_bp: int | None = None
    ok: bool | None = None

    def __post_init__(self) -> None:
        self.value_bp = ratio_bp(self.numerator, self.denominator)
        self.ok = None if self.value_bp is None else self.value_bp >= self.target_bp

    @property
    def value_label(self) -> str:
        return format_bp(self.value_bp)

    @property
    def target_label(self) -> str:
        return "≥ " + format_bp(self.target_bp)

    @property
    def tone(self) -> str:
        return "neutral" if self.ok is None else ("good" if self.ok else "warn")


@dataclass
class Row:
    code: str
    name: str
    items: int
    measures: list[Measure] = field(default_factory=list)


@dataclass
class Indicators:
    registry_enterprises: int
    overall: Row
    departments: list[Row]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON (frozen into versions); carries the display labels and tones too."""

        def row(value: Row) -> dict[str, Any]:
            data = asdict(value)
            for measure, plain in zip(value.measures, data["measures"], strict=True):
                plain.update(
                    value_label=measure.value_label,
                    target_label=measure.target_label,
                    tone=measure.tone,
                )
            return data

        return {
            "registry_enterprises": self.registry_enterprises,
            "overall": row(self.overall),
            "departments": [row(department) for department in self.departments],
        }


def included_items(plan_year: PlanYear) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(plan_year=plan_year, status__in=INCLUDED_STATUSES)
        .select_related("department", "merge_proposal")
        .prefetch_related("matters", "participating_departments")
    )


def is_joint(item: PlanItem) -> bool:
    merged = item.merge_proposal is not None and item.merge_proposal.status == MergeStatus.ACCEPTED
    return merged or bool(item.participating_departments.all())


def _measures(
    *,
    items: list[PlanItem],
    expected: int,
    enterprises: int,
    matter_ids: set[int],
    covered: set[int],
) -> list[Measure]:
    joint = sum(1 for item in items if is_joint(item))
    credit = sum(1 for item in items if uses_credit_classes(item.ratios))
    return [
        Measure("sampling", _("企业抽查比例（预计）"), expected, enterprises, SAMPLING_TARGET_BP),
        Measure("joint", _("联合抽查占比"), joint, len(items), JOINT_TARGET_BP),
        Measure(
            "coverage",
            _("事项覆盖率"),
            len(matter_ids & covered),
            len(matter_ids),
            COVERAGE_TARGET_BP,
        ),
        Measure("credit", _("信用分类运用率"), credit, len(items), CREDIT_TARGET_BP),
    ]


def compute_indicators(plan_year: PlanYear, items: Iterable[PlanItem] | None = None) -> Indicators:
    items = list(included_items(plan_year) if items is None else items)
    market = InspectionObject.objects.filter(
        kind__in=MARKET_ENTITY_KINDS, status=ObjectStatus.ACTIVE
    )
    enterprises = market.count()
    expected_by_item = {
        item.pk: estimate_scope(
            item.scope, item.ratios, department_id=item.department_id
        ).market_expected
        for item in items
    }

    # A merged group visits each door once: count its largest member.
    overall_expected = 0
    groups: dict[int, int] = {}
    for item in items:
        if item.merge_proposal is not None and item.merge_proposal.status == MergeStatus.ACCEPTED:
            groups[item.merge_proposal.pk] = max(
                groups.get(item.merge_proposal.pk, 0), expected_by_item[item.pk]
            )
        else:
            overall_expected += expected_by_item[item.pk]
    overall_expected = min(enterprises, overall_expected + sum(groups.values()))

    active_matters = Matter.objects.filter(status=MatterStatus.ACTIVE, is_common=False)
    all_matter_ids = set(active_matters.values_list("pk", flat=True))
    covered_all = {matter.pk for item in items for matter in item.matters.all()}
    overall = Row(
        "ALL",
        _("全市合计"),
        len(items),
        _measures(
            items=items,
            expected=overall_expected,
            enterprises=enterprises,
            matter_ids=all_matter_ids,
            covered=covered_all,
        ),
    )

    implemented: dict[int, set[int]] = {}
    for matter_id, department_id in active_matters.values_list("pk", "implementing_departments"):
        if department_id:
            implemented.setdefault(department_id, set()).add(matter_id)
    supervised = {
        row["department"]: row["n"]
        for row in ObjectSupervision.objects.filter(
            inspection_object__kind__in=MARKET_ENTITY_KINDS,
            inspection_object__status=ObjectStatus.ACTIVE,
        )
        .values("department")
        .annotate(n=Count("inspection_object", distinct=True))
        .order_by()
    }
    rows = []
    departments = Department.objects.filter(
        kind=DepartmentKind.DEPARTMENT, is_active=True
    ).order_by("code")
    for department in departments:
        own = [item for item in items if item.department_id == department.pk]
        taking_part = [
            item
            for item in items
            if item.department_id == department.pk
            or any(other.pk == department.pk for other in item.participating_departments.all())
        ]
        covered = {matter.pk for item in taking_part for matter in item.matters.all()}
        expected = sum(expected_by_item[item.pk] for item in own)
        denominator = supervised.get(department.pk) or enterprises
        rows.append(
            Row(
                department.code,
                department.display_name,
                len(own),
                _measures(
                    items=own,
                    expected=min(expected, denominator),
                    enterprises=denominator,
                    matter_ids=implemented.get(department.pk, set()),
                    covered=covered,
                ),
            )
        )
    return Indicators(enterprises, overall, rows)

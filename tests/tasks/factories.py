"""Builders for task tests: registry objects with valid USCCs, inspectors with certificates, and
a ready joint task."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from catalog.choices import MatterCategory
from catalog.models import Matter
from registries.choices import ObjectKind
from registries.models import InspectionObject, Inspector
from registries.uscc import make_uscc
from tests.catalog.factories import CheckPointFactory, MatterFactory

_counter = itertools.count(1)


def uscc(n: int) -> str:
    return make_uscc(f"91330100{n:09d}")


def make_objects(
    count: int, *, start: int = 0, risk_cycle=("A", "B", "C", "D"), **fields
) -> list[InspectionObject]:
    rows = [
        InspectionObject(
            kind=ObjectKind.ENTERPRISE,
            code=uscc(start + i),
            name=f"测试企业{start + i}有限公司",
            region_code="330102",
            risk_class=risk_cycle[i % len(risk_cycle)],
            **fields,
        )
        for i in range(count)
    ]
    return InspectionObject.objects.bulk_create(rows)


def make_inspectors(
    department, count: int, *, tags=("LE",), max_load: int = 5, prefix: str | None = None
) -> list[Inspector]:
    prefix = prefix or department.code
    today = timezone.localdate()
    rows = [
        Inspector(
            code=f"{prefix}-{i:04d}",
            name=f"{department.code}检查员{i}",
            department=department,
            certificate_number=f"CERT-{prefix}-{i}",
            certificate_valid_from=today - timedelta(days=365),
            certificate_valid_until=today + timedelta(days=3 * 365),
            tags=list(tags),
            max_load=max_load,
        )
        for i in range(1, count + 1)
    ]
    return Inspector.objects.bulk_create(rows)


def make_matter(**fields) -> Matter:
    """A matter with one check point; a key matter (no ratio cap) unless told otherwise, so the
    small test registries can be drawn at high rates."""
    fields.setdefault("category", MatterCategory.KEY)
    fields.setdefault("ratio_cap_bp", None if fields["category"] == MatterCategory.KEY else 500)
    matter = MatterFactory(**fields)
    CheckPointFactory(matter=matter, text=f"{matter.name}：检查要点一")
    return matter


def default_dates() -> tuple[date, date]:
    today = timezone.localdate()
    return today + timedelta(days=10), today + timedelta(days=40)


STRATA = {"A": {"rate_bp": 1000}, "B": {"rate_bp": 2500}, "C": {"rate_bp": 5000}, "D": {"count": 3}}


def make_task(
    created_by, *, participants=(), matters=None, code="", groups=2, composition=None, **fields
):
    from tasks.services.tasks import task_create

    start, end = default_dates()
    kwargs = dict(
        created_by=created_by,
        title=fields.pop("title", "联合抽查测试任务"),
        matters=matters or [make_matter()],
        start_date=fields.pop("start_date", start),
        end_date=fields.pop("end_date", end),
        adhoc_reason=fields.pop("adhoc_reason", "专项整治临时任务"),
        participating_departments=list(participants),
        strata=fields.pop("strata", STRATA),
        groups=groups,
        group_composition=composition,
        code=code,
    )
    kwargs.update(fields)
    return task_create(**kwargs)


def approve(task, office_admin):
    from tasks.services.tasks import task_approve, task_submit_for_approval

    task = task_submit_for_approval(task=task, submitted_by=task.created_by)
    return task_approve(task=task, approved_by=office_admin)


def make_plan_item(
    department,
    created_by,
    office_admin,
    *,
    participants=(),
    matters=None,
    scope=None,
    ratios=None,
    year=None,
):
    """An approved plan item of `department` (plan year approved), to make tasks from."""
    from plans.choices import PlanItemStatus, PlanYearStatus
    from plans.models import PlanItem, PlanYear

    year = year or default_dates()[0].year
    plan_year, _created = PlanYear.objects.get_or_create(
        year=year,
        defaults={
            "status": PlanYearStatus.APPROVED,
            "submission_deadline": date(year - 1, 11, 30),
            "approval_deadline": date(year - 1, 12, 31),
            "opened_by": office_admin,
            "opened_at": timezone.now(),
        },
    )
    item = PlanItem.objects.create(
        plan_year=plan_year,
        department=department,
        title="计划内联合抽查",
        scope=scope if scope is not None else {"region_prefixes": ["3301"]},
        ratios=ratios or {"A": 1000, "B": 2500, "C": 5000, "D": 5000},
        window_start_month=1,
        window_end_month=12,
        status=PlanItemStatus.APPROVED,
        created_by=created_by,
    )
    item.matters.set(matters or [make_matter()])
    item.participating_departments.set(participants)
    return item

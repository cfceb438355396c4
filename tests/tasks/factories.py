"""Builders for task tests: registry objects with valid USCCs, inspectors with certificates, and
a ready joint task (the `make_*` helpers, through the services), and factory_boy factories for
every model of tasks.models (plain rows written directly: no service, no audit event, no verified
log chain; the services are exercised by their own tests). The inspection work's models have
theirs in tests/tasks/inspections/factories.py."""

from __future__ import annotations

import gzip
import itertools
from datetime import date, timedelta

import factory
from django.utils import timezone

from catalog.choices import MatterCategory
from catalog.models import Matter
from registries.choices import ObjectKind
from registries.models import InspectionObject, Inspector
from registries.uscc import make_uscc
from tasks.choices import DrawState, ReviewStatus, VerificationStatus
from tasks.models import (
    Draw,
    DrawLogEntry,
    DrawnObject,
    DrawReview,
    GroupMember,
    Task,
    TaskPolicy,
    VerificationRequest,
)
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.catalog.factories import CheckPointFactory, MatterFactory
from tests.registries.factories import InspectionObjectFactory, InspectorFactory

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


# --- factories -----------------------------------------------------------------------------------

HASH = "0" * 64


class TaskPolicyFactory(factory.django.DjangoModelFactory):
    """The one policy row (pk 1), as `TaskPolicy.current()` makes it."""

    class Meta:
        model = TaskPolicy
        django_get_or_create = ("id",)

    id = 1


class TaskFactory(factory.django.DjangoModelFactory):
    """An ad-hoc draft task of its lead department (two members a group, from the lead), with one
    key matter unless `matters=[...]` is given; approve it with `approve` when a test needs it."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-FACTORY-{n:04d}")
    title = factory.Sequence(lambda n: f"联合抽查测试任务{n}")
    lead_department = factory.SubFactory(DepartmentFactory)
    adhoc_reason = "专项整治临时任务"
    strata = factory.LazyFunction(lambda: dict(STRATA))
    groups = 1
    group_composition = factory.LazyAttribute(lambda task: {task.lead_department.code: 2})
    start_date = factory.LazyFunction(lambda: default_dates()[0])
    end_date = factory.LazyFunction(lambda: default_dates()[1])
    created_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..lead_department")
    )

    @factory.post_generation
    def matters(self, create, extracted, **kwargs):
        if create:
            self.matters.set(extracted if extracted is not None else [make_matter()])


class DrawFactory(factory.django.DjangoModelFactory):
    """An announced draw of a new task, with empty frozen files and a placeholder sealed secret
    (its secret cannot be unsealed: draws that run go through the ceremony services)."""

    class Meta:
        model = Draw

    task = factory.SubFactory(TaskFactory)
    number = 1
    protocol_task_id = factory.LazyAttribute(lambda draw: f"{draw.task.code}#{draw.number}")
    sealed_secret = b"\x00" * 80
    commitment = HASH
    snapshots = factory.LazyFunction(
        lambda: {"candidates": HASH, "inspectors": HASH, "conflicts": HASH}
    )
    params = factory.LazyAttribute(lambda draw: {"lead_dept": draw.task.lead_department.code})
    candidate_file = factory.LazyFunction(lambda: Draw.pack(b""))
    inspector_file = factory.LazyFunction(lambda: Draw.pack(b""))
    conflict_file = factory.LazyFunction(lambda: Draw.pack(b""))
    announced_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..task.lead_department")
    )
    announced_at = factory.LazyFunction(timezone.now)


class DrawnDrawFactory(DrawFactory):
    """A completed main draw (its result is a stand-in, not the protocol's output)."""

    state = DrawState.DRAWN
    drawn_at = factory.LazyFunction(timezone.now)
    result = factory.LazyFunction(lambda: {"objects": {}, "assignment": {}, "groups": {}})
    result_hash = HASH


class DrawReviewFactory(factory.django.DjangoModelFactory):
    """A department's pending answer in the joint review of an announced draw."""

    class Meta:
        model = DrawReview

    draw = factory.SubFactory(DrawFactory)
    department = factory.SelfAttribute("draw.task.lead_department")
    status = ReviewStatus.PENDING


class DrawLogEntryFactory(factory.django.DjangoModelFactory):
    """One row of a draw's log table (insert-only). Its hashes are placeholders: a chain that
    verifies comes from the ceremony services."""

    class Meta:
        model = DrawLogEntry

    draw = factory.SubFactory(DrawFactory)
    seq = factory.Sequence(lambda n: n + 1)
    prev = HASH
    ts = "2026-12-05T04:00:00Z"
    type = "announce"
    actor = factory.LazyAttribute(lambda entry: entry.draw.task.lead_department.code)
    data = factory.LazyFunction(lambda: {"commitment": HASH})
    hash = HASH


class DrawnObjectFactory(factory.django.DjangoModelFactory):
    """An object a completed draw drew and dealt to group G001."""

    class Meta:
        model = DrawnObject

    draw = factory.SubFactory(DrawnDrawFactory)
    inspection_object = factory.SubFactory(InspectionObjectFactory)
    code = factory.SelfAttribute("inspection_object.code")
    stratum = factory.SelfAttribute("inspection_object.risk_class")
    group_id = "G001"


class GroupMemberFactory(factory.django.DjangoModelFactory):
    """An inspector of the lead department in group G001 of a completed draw."""

    class Meta:
        model = GroupMember

    draw = factory.SubFactory(DrawnDrawFactory)
    group_id = "G001"
    inspector = factory.SubFactory(
        InspectorFactory, department=factory.SelfAttribute("..draw.task.lead_department")
    )
    code = factory.SelfAttribute("inspector.code")
    department_code = factory.SelfAttribute("inspector.department.code")
    is_leader = False


class VerificationRequestFactory(factory.django.DjangoModelFactory):
    """A queued bundle of the public verification page (gzip'd JSON)."""

    class Meta:
        model = VerificationRequest

    status = VerificationStatus.QUEUED
    bundle = factory.LazyFunction(lambda: gzip.compress(b"{}"))
    size = factory.LazyAttribute(lambda request: len(request.bundle))

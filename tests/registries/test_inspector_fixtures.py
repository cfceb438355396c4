"""Shared builders for the inspector-registry tests (imported by test_inspector*, test_recusal*,
test_drawable*). Rows are written directly; services are exercised by their own test modules."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from registries.choices import RecusalStatus
from registries.models import Expert, InspectionObject, Inspector, Recusal
from registries.uscc import make_uscc
from tests.registries.factories import (
    ExpertFactory,
    InspectionObjectFactory,
    InspectorFactory,
    ObjectSupervisionFactory,
    RecusalFactory,
)

_counter = itertools.count(1)


def make_inspector(department, **fields) -> Inspector:
    number = next(_counter)
    fields.setdefault("code", f"{department.code}-{9000 + number:04d}")
    return InspectorFactory(department=department, **fields)


def make_expert(**fields) -> Expert:
    return ExpertFactory(**fields)


def make_object(*, department=None, **fields) -> InspectionObject:
    number = next(_counter)
    values = {
        "code": make_uscc(f"91330102{number:09d}"),
        "name": f"临江市测试商贸有限公司{number}",
        "region_code": "330102",
        "grid": "330102-01",
    }
    values.update(fields)
    inspection_object = InspectionObjectFactory(**values)
    if department is not None:
        ObjectSupervisionFactory(inspection_object=inspection_object, department=department)
    return inspection_object


def make_recusal(
    inspector, inspection_object, *, declared_by, status=RecusalStatus.CONFIRMED
) -> Recusal:
    return RecusalFactory(
        inspector=inspector,
        inspection_object=inspection_object,
        status=status,
        declared_by=declared_by,
    )


def days(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def inspector_record_a(department_a, inspector_a):
    """Department A's inspector whose record is linked to the inspector_a account."""
    return make_inspector(
        department_a, name="张三", user=inspector_a, grid="330102-01", region_code="330102"
    )


@pytest.fixture
def inspector_record_b(department_b):
    return make_inspector(department_b, name="李四", grid="330105-02", region_code="330105")


@pytest.fixture
def object_a(department_a):
    return make_object(department=department_a, name="临江市甲商贸有限公司")

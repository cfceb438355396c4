"""Helpers and fixtures for the inspection-object registry tests (import the fixtures you use)."""

import itertools
import random

import pytest

from registries.models import InspectionObject, ObjectSupervision
from registries.uscc import random_uscc

_rng = random.Random(4242)
_sequence = itertools.count(1)


def new_uscc(region: str = "330106", kind: str = "91") -> str:
    while True:
        code = random_uscc(_rng, region=region, kind=kind)
        if not InspectionObject.objects.filter(code=code).exists():
            return code


def make_object(*, departments=(), disputed=(), **fields) -> InspectionObject:
    """An object written straight to the database (no service, no history)."""
    number = next(_sequence)
    values = {
        "kind": "enterprise",
        "name": f"临江市测试{number}食品有限公司",
        "region_code": "330106",
        "industry_code": "F5221",
        "risk_class": "B",
        "status": "active",
    }
    values.update(fields)
    values.setdefault("code", new_uscc(values["region_code"]))
    inspection_object = InspectionObject.objects.create(**values)
    for department in departments:
        ObjectSupervision.objects.create(inspection_object=inspection_object, department=department)
    for department in disputed:
        ObjectSupervision.objects.create(
            inspection_object=inspection_object,
            department=department,
            status=ObjectSupervision.Status.DISPUTED,
        )
    return inspection_object


@pytest.fixture
def object_a(department_a):
    """An object supervised (claimed) by department A."""
    return make_object(departments=[department_a], name="临江市恒达食品有限公司")


@pytest.fixture
def object_b(department_b):
    """An object supervised by department B only."""
    return make_object(
        departments=[department_b], name="临江市华兴化工有限公司", industry_code="F5162"
    )

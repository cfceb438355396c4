"""Helpers and fixtures for the inspection-object registry tests (import the fixtures you use)."""

import pytest

from registries.models import InspectionObject, ObjectSupervision
from tests.registries.factories import InspectionObjectFactory, ObjectSupervisionFactory, new_uscc

__all__ = ["make_object", "new_uscc"]


def make_object(*, departments=(), disputed=(), **fields) -> InspectionObject:
    """An object written straight to the database (no service, no history)."""
    inspection_object = InspectionObjectFactory(**fields)
    for department in departments:
        ObjectSupervisionFactory(inspection_object=inspection_object, department=department)
    for department in disputed:
        ObjectSupervisionFactory(
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

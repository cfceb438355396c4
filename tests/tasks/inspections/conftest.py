"""Fixtures for inspection tests: the personas of tests/conftest.py plus a started joint task."""

import pytest

from tests.tasks.inspections.builders import start_joint_task


@pytest.fixture
def started(registry, staff_a, staff_b, office_admin, department_a, department_b):
    return start_joint_task(
        staff_a=staff_a,
        staff_b=staff_b,
        office_admin=office_admin,
        department_a=department_a,
        department_b=department_b,
    )

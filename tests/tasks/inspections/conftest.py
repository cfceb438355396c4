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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back after the module; each
    test's own `db` transaction nests inside it as a savepoint, so tests still cannot see each
    other's writes."""
    from django.db import transaction

    from tests.tasks.inspections.builders import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)

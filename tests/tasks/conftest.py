"""Fixtures for joint-task tests: two departments with objects and inspectors, and a task."""

import pytest

from accounts.choices import Role
from tests.accounts.factories import UserFactory
from tests.tasks.factories import approve, make_inspectors, make_objects, make_task


@pytest.fixture
def staff_b2(department_b):
    return UserFactory(username="staff_b2", department=department_b, roles=[Role.STAFF])


@pytest.fixture
def registry(department_a, department_b):
    """40 objects (10 per risk class), 2 on the anomaly list; 6 + 4 inspectors."""
    from datetime import date

    objects = make_objects(40)
    for obj in objects[:2]:
        obj.anomaly_since = date(2024, 5, 1)
        obj.save(update_fields=["anomaly_since"])
    return {
        "objects": objects,
        "a": make_inspectors(department_a, 6),
        "b": make_inspectors(department_b, 4),
    }


@pytest.fixture
def joint_task(registry, staff_a, department_b, office_admin):
    task = make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1})
    return approve(task, office_admin)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the queued draw job) as they would after a real commit."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run

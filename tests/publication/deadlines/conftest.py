"""Deadline fixtures: subjects (any saved model will do: deadlines are generic) and a helper to
open one. The working-day index is built once per module (committed), not in each test."""

from datetime import date

import pytest
import time_machine

from publication.deadlines.services import deadline_open
from tests.accounts.factories import DepartmentFactory


@pytest.fixture(autouse=True, scope="module")
def _index(workday_index):
    """Every module here computes deadlines."""


@pytest.fixture
def subject(db):
    """A stand-in for an inspection or a draw: any saved row."""
    return DepartmentFactory()


@pytest.fixture
def open_deadline(department_a):
    """Opens a deadline as if on its start date (its state is today's at opening)."""

    def make(*, start: date, kind="result_entry", subject=None, department=None, **kwargs):
        with time_machine.travel(f"{start.isoformat()} 10:00:00+08:00", tick=False):
            return _open(kind, subject, department or department_a, start, kwargs)

    def _open(kind, subject, department, start, kwargs):
        return deadline_open(
            kind=kind,
            subject=subject or DepartmentFactory(),
            department=department,
            start_date=start,
            title=kwargs.pop("title", "某公司检查结果录入"),
            **kwargs,
        )

    return make

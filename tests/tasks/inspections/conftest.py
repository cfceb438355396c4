"""Fixtures for inspection tests: the personas of tests/conftest.py plus a started joint task."""

import pytest

from tests.tasks.inspections.builders import Started


@pytest.fixture
def started(world, db):
    """The module world's task seen from its untouched group G002: `leader` leads G002 and
    `member_b` is its DEPB member (G001 holds the world's records, attachments and the published
    result). Each test's writes roll back, so tests stay independent."""
    task = world.started
    return Started(
        task=task.task,
        leader=task.leader2,
        member_b=task.member_b2,
        leader2=task.leader,
        member_b2=task.member_b,
        matter_a=task.matter_a,
        matter_b=task.matter_b,
        inspections=task.inspections,
        group="G002",
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

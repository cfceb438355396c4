"""The public site's tests share one world per module (tests/tasks/inspections/builders.py): a
started joint task whose second inspection of G001 has a published result."""

import pytest


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    from tests.tasks.inspections.builders import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def draw(world, db):
    from tasks.choices import DrawKind

    return world.started.task.draws.get(kind=DrawKind.DRAW)


@pytest.fixture
def published_result(world, db):
    return world.published.result

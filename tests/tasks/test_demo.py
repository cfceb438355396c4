import io

import pytest

from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_demo_builds_tasks_in_every_state_and_is_idempotent(
    registry, staff_a, staff_b, office_admin
):
    from tasks import demo
    from tests.tasks.factories import make_matter

    make_matter()

    out = io.StringIO()
    demo.build(stdout=out)
    states = dict(Task.objects.values_list("code", "status"))
    assert states == {
        "LJ-DEMO-0001": "in_review",
        "LJ-DEMO-0002": "drawn",
        "LJ-DEMO-0003": "in_progress",
    }, out.getvalue()
    demo.build(stdout=out)
    assert Task.objects.count() == 3

"""Known answer for the platform path: a fixed task setup, a fixed secret and fixed witnesses give
exactly this seed, these objects and these groups. A refactor that changes a result fails here.

Since the announcement states its earliest reveal time and its witness roster in the params
(issue 10), the params hash, and so the seed and the result, differ from the first version of
this answer; the candidate, inspector and conflict hashes did not change."""

from datetime import date
from unittest import mock

import pytest
import time_machine

from registries.choices import RecusalReason, RecusalStatus
from registries.models import Recusal
from tasks.draw.verify import verify_bundle
from tasks.services.bundles import draw_bundle
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db

FIXED_SECRET = bytes(range(32))


@time_machine.travel("2026-03-02 10:00:00+08:00", tick=False)
def test_fixed_setup_gives_the_known_result(
    registry, staff_a, staff_b, department_b, office_admin, run_on_commit
):
    # given
    for inspector, obj in zip(registry["a"][:3], registry["objects"][4:7], strict=True):
        Recusal.objects.create(
            inspector=inspector,
            inspection_object=obj,
            reason=RecusalReason.RELATIVE,
            status=RecusalStatus.CONFIRMED,
            declared_by=staff_a,
        )
    task = make_task(
        staff_a,
        participants=[department_b],
        composition={"DEPA": 1, "DEPB": 1},
        code="LJ-KAT-0001",
        start_date=date(2026, 3, 16),
        end_date=date(2026, 4, 15),
    )
    task = approve(task, office_admin)
    with mock.patch("tasks.services.secrets.new_secret", return_value=FIXED_SECRET):
        draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="四五六 123")
    # when
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    # then
    assert draw.snapshots == EXPECTED_SNAPSHOTS
    assert draw.params["reveal_not_before"] == "2026-03-02T02:00:00Z"
    assert draw.params["witnesses"] == [{"department": "DEPB", "role": "department"}]
    assert draw.seed == EXPECTED_SEED
    assert draw.result["objects"] == EXPECTED_OBJECTS
    assert draw.result["groups"] == EXPECTED_GROUPS
    assert draw.result["assignment"] == EXPECTED_ASSIGNMENT
    assert verify_bundle(draw_bundle(draw, public=False)).valid


EXPECTED_SNAPSHOTS = {
    "candidates": "316cf07bbe1ea229a59105745487e561c39e6c4621888dcaca4268b73b9524dc",
    "conflicts": "d73393aac6660e6c9e1e92718b2d6ff6b185440228b5098faae1de5cd7ef4098",
    "inspectors": "38cde4062d0b116410afc9e2607a5cba84069cb120d5cc3b16478b4c1be1bd66",
    "params": "e6a0078291619df42d6caa17d151026d7c9424ab5f94aef225b20a80ff365e94",
}
EXPECTED_SEED = "a4995935258109c0a581d97055ee71fb893b40235924063d2f6c76066d53e543"
EXPECTED_OBJECTS = {
    "913301000000000009": "MUST",
    "91330100000000001C": "MUST",
    "91330100000000010A": "C",
    "91330100000000015R": "D",
    "91330100000000020B": "A",
    "91330100000000025T": "B",
    "91330100000000026X": "C",
    "913301000000000297": "B",
    "91330100000000030C": "C",
    "91330100000000031F": "D",
    "91330100000000033M": "B",
    "91330100000000034Q": "C",
    "913301000000000385": "C",
    "913301000000000398": "D",
}
EXPECTED_GROUPS = {
    "G001": {"leader": "DEPA-0003", "members": ["DEPA-0003", "DEPB-0002"]},
    "G002": {"leader": "DEPA-0005", "members": ["DEPA-0005", "DEPB-0004"]},
}
EXPECTED_ASSIGNMENT = {
    "913301000000000009": "G002",
    "91330100000000001C": "G002",
    "91330100000000010A": "G002",
    "91330100000000015R": "G001",
    "91330100000000020B": "G001",
    "91330100000000025T": "G001",
    "91330100000000026X": "G001",
    "913301000000000297": "G001",
    "91330100000000030C": "G002",
    "91330100000000031F": "G002",
    "91330100000000033M": "G001",
    "91330100000000034Q": "G001",
    "913301000000000385": "G002",
    "913301000000000398": "G002",
}

"""Properties of the platform's draws over many secrets and witnesses (hypothesis): never a
conflict, never fewer than 2 members, the leader always from the lead department, the result
independent of the order of the candidate rows, and stage 1 uniform (chi-square bound)."""

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registries.choices import RecusalReason, RecusalStatus
from registries.models import Recusal
from tasks.draw.protocol import DrawInputs, Ticketer, compute_seed, draw_objects, run_draw
from tasks.services.bundles import draw_inputs
from tasks.services.draws import task_push_to_review
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db

HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.fixture
def announced(registry, staff_a, department_b, office_admin):
    rng = random.Random(7)
    inspectors = registry["a"] + registry["b"]
    pairs = {(rng.choice(inspectors), rng.choice(registry["objects"])) for _ in range(30)}
    Recusal.objects.bulk_create(
        [
            Recusal(
                inspector=i,
                inspection_object=o,
                reason=RecusalReason.INTEREST,
                status=RecusalStatus.CONFIRMED,
                declared_by=staff_a,
            )
            for i, o in pairs
        ]
    )
    task = approve(
        make_task(
            staff_a, participants=[department_b], groups=3, composition={"DEPA": 1, "DEPB": 1}
        ),
        office_admin,
    )
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    return draw_inputs(draw)


@settings(max_examples=40, deadline=None, suppress_health_check=HEALTH)
@given(
    secret=st.binary(min_size=32, max_size=32),
    witness=st.text(alphabet="0123456789甲乙丙", min_size=1, max_size=12),
)
def test_groups_respect_every_rule(announced, secret, witness):
    inputs: DrawInputs = announced
    result = run_draw(inputs, secret.hex(), "none", [witness])
    conflicts = {(c.inspector_id, c.uscc) for c in inputs.conflicts}
    dept = {i.inspector_id: i.dept for i in inputs.inspectors}
    seen = Counter()
    for group in result["groups"].values():
        assert len(group["members"]) >= 2
        assert dept[group["leader"]] == inputs.params["lead_dept"]
        assert group["leader"] in group["members"]
        seen.update(group["members"])
    assert max(seen.values()) == 1  # nobody in two groups of one draw
    for uscc, group_id in result["assignment"].items():
        for member in result["groups"][group_id]["members"]:
            assert (member, uscc) not in conflicts
    assert all(c.uscc in result["objects"] for c in inputs.candidates if c.must)


@settings(max_examples=15, deadline=None, suppress_health_check=HEALTH)
@given(secret=st.binary(min_size=32, max_size=32), order_seed=st.integers(0, 10**6))
def test_result_does_not_depend_on_candidate_order(announced, secret, order_seed):
    inputs: DrawInputs = announced
    shuffled = list(inputs.candidates)
    random.Random(order_seed).shuffle(shuffled)
    other = DrawInputs(
        inputs.task_id, shuffled, list(reversed(inputs.inspectors)), inputs.conflicts, inputs.params
    )
    assert run_draw(inputs, secret.hex(), "none", ["1"]) == run_draw(
        other, secret.hex(), "none", ["1"]
    )


def test_stage_one_is_uniform_over_many_seeds(announced):
    # given: the C stratum (10 objects, 50 % → 5 drawn each time)
    inputs: DrawInputs = announced
    snapshots = inputs.snapshots()
    pool = [c.uscc for c in inputs.candidates if c.stratum == "C" and not c.must]
    counts = Counter()
    runs = 2000
    # when
    for n in range(runs):
        seed = compute_seed(inputs.task_id, snapshots, f"{n:064x}", "none", ["w"])
        objects = draw_objects(inputs.candidates, inputs.params["strata"], Ticketer(seed))
        counts.update(u for u in pool if u in objects)
    # then: chi-square with len(pool)-1 = 9 degrees of freedom; 27.88 is the 0.999 quantile
    expected = runs * 5 / len(pool)
    chi2 = sum((counts[u] - expected) ** 2 / expected for u in pool)
    assert chi2 < 27.88

"""Stage 2 (§5): members, leaders and dealing obey every rule, or fail naming the cause."""

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.draw.protocol import (
    Conflict,
    DrawFailed,
    DrawInputs,
    InfeasibleDraw,
    InspectorRow,
    LogChain,
    Ticketer,
    able_inspectors,
    draw_groups,
    group_ids,
    precheck_inspectors,
    run_draw,
)

seeds = st.binary(min_size=1, max_size=16).map(lambda data: hashlib.sha256(data).hexdigest())


def uscc(number: int) -> str:
    return f"91310100{number:09d}X"


def seed_for(counter: int) -> str:
    return hashlib.sha256(f"stage2-{counter}".encode()).hexdigest()


@dataclass
class Scenario:
    objects: list[str]
    inspectors: list[InspectorRow]
    conflicts: list[Conflict]
    params: dict[str, Any]
    seed: str

    def draw(self) -> dict[str, Any]:
        return draw_groups(
            self.objects, self.inspectors, self.conflicts, self.params, Ticketer(self.seed)
        )


@st.composite
def scenarios(draw, max_conflicts_per_object: float = 1.5) -> Scenario:
    others = draw(st.lists(st.sampled_from(["EPB", "EXPERT", "MEE"]), unique=True, max_size=2))
    group = {"SAMR": draw(st.integers(1, 2))} | {d: draw(st.integers(0, 2)) for d in others}
    if sum(group.values()) < 2:
        group["SAMR"] = 2
    group_count = draw(st.integers(1, 4))
    inspectors: list[InspectorRow] = []
    for dept, size in group.items():
        for number in range(group_count * size + draw(st.integers(0, 3))):
            load = draw(st.integers(0, 2))
            inspectors.append(InspectorRow(f"{dept}{number:03d}", dept, load, 3, ("LE",)))
        inspectors.append(InspectorRow(f"{dept}-FULL", dept, 3, 3, ("LE",)))
        inspectors.append(InspectorRow(f"{dept}-NOTAG", dept, 0, 3, ("FOOD",)))
    inspectors.append(InspectorRow("OTHER001", "OTHER", 0, 3, ("LE",)))
    numbers = draw(st.lists(st.integers(0, 10**6), unique=True, min_size=group_count, max_size=24))
    objects = sorted(uscc(n) for n in numbers)
    ids = [inspector.inspector_id for inspector in inspectors]
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(objects))
    pairs = set(draw(st.lists(pair, max_size=int(len(objects) * max_conflicts_per_object))))
    pairs.add((inspectors[0].inspector_id, uscc(10**7)))  # a conflict outside the drawn objects
    params = {
        "strata": {"all": {"count": len(objects)}},
        "lead_dept": "SAMR",
        "groups": group_count,
        "group": group,
        "required_tags": {dept: ["LE"] for dept in group},
        "max_attempts": draw(st.integers(1, 4)),
    }
    conflicts = [Conflict(i, u) for i, u in sorted(pairs)]
    return Scenario(objects, inspectors, conflicts, params, draw(seeds))


def check_rules(scenario: Scenario, result: dict[str, Any]) -> None:
    params = scenario.params
    group_count = params["groups"]
    by_id = {inspector.inspector_id: inspector for inspector in scenario.inspectors}
    able = {
        i.inspector_id
        for pool in able_inspectors(scenario.inspectors, params).values()
        for i in pool
    }
    conflicts = {(c.inspector_id, c.uscc) for c in scenario.conflicts}
    groups = result["groups"]
    cap = -(-len(scenario.objects) // group_count)

    assert 0 <= result["attempt"] < params["max_attempts"]
    assert list(groups) == group_ids(group_count)
    all_members = [m for group in groups.values() for m in group["members"]]
    assert len(all_members) == len(set(all_members)), "an inspector sits in two groups"
    assert set(all_members) <= able
    for group in groups.values():
        members = group["members"]
        assert members == sorted(members)
        assert len(members) >= 2
        assert Counter(by_id[m].dept for m in members) == +Counter(params["group"])
        assert group["leader"] in members
        assert by_id[group["leader"]].dept == params["lead_dept"]
    for dept in params["group"]:
        drawn_loads = [by_id[m].load for m in all_members if by_id[m].dept == dept]
        left_loads = [
            i.load
            for i in scenario.inspectors
            if i.dept == dept and i.inspector_id in able
            if i.inspector_id not in all_members
        ]
        assert not drawn_loads or not left_loads or max(drawn_loads) <= min(left_loads)

    assignment = result["assignment"]
    assert list(assignment) == scenario.objects
    assert max(Counter(assignment.values()).values()) <= cap
    for uscc_, group_id in assignment.items():
        for member in groups[group_id]["members"]:
            assert (member, uscc_) not in conflicts, f"{member} meets {uscc_}"


@given(scenarios())
def test_a_draw_obeys_every_rule_or_fails_naming_an_object(scenario):
    try:
        result = scenario.draw()
    except DrawFailed as failure:
        assert failure.object_uscc in scenario.objects
        assert failure.attempts == scenario.params["max_attempts"]
        assert failure.object_uscc in str(failure)
        return
    check_rules(scenario, result)


@given(scenarios(max_conflicts_per_object=0))
def test_without_conflicts_the_dealing_is_even(scenario):
    result = scenario.draw()
    check_rules(scenario, result)
    assert result["attempt"] == 0
    counts = Counter(result["assignment"].values())
    sizes = [counts[group_id] for group_id in result["groups"]]
    assert max(sizes) - min(sizes) <= 1


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_draw_does_not_depend_on_input_order(scenario, random):
    try:
        expected = scenario.draw()
    except DrawFailed as failure:
        expected = failure.object_uscc
    shuffled = replace(scenario)
    for rows in ("objects", "inspectors", "conflicts"):
        setattr(
            shuffled, rows, random.sample(getattr(scenario, rows), len(getattr(scenario, rows)))
        )
    try:
        assert shuffled.draw() == expected
    except DrawFailed as failure:
        assert failure.object_uscc == expected


@given(scenarios(max_conflicts_per_object=0), st.data())
def test_an_object_in_conflict_with_a_whole_department_fails_every_attempt(scenario, data):
    dept = data.draw(st.sampled_from(sorted(d for d, n in scenario.params["group"].items() if n)))
    blocked_object = data.draw(st.sampled_from(scenario.objects))
    scenario.conflicts = [
        Conflict(i.inspector_id, blocked_object) for i in scenario.inspectors if i.dept == dept
    ]
    with pytest.raises(DrawFailed) as raised:
        scenario.draw()
    assert raised.value.object_uscc == blocked_object
    assert raised.value.attempts == scenario.params["max_attempts"]
    assert f"object {blocked_object} could not be placed" in str(raised.value)


@given(scenarios(max_conflicts_per_object=0), st.data())
def test_a_department_short_of_able_inspectors_is_named(scenario, data):
    params = scenario.params
    dept = data.draw(st.sampled_from(sorted(d for d, n in params["group"].items() if n)))
    needed = params["groups"] * params["group"][dept]
    able = data.draw(st.integers(0, needed - 1))
    kept = [i for i in scenario.inspectors if i.dept == dept and i.load < 3 and "LE" in i.tags]
    dropped = {i.inspector_id for i in kept[able:]}
    scenario.inspectors = [i for i in scenario.inspectors if i.inspector_id not in dropped]

    with pytest.raises(InfeasibleDraw) as raised:
        scenario.draw()

    assert (raised.value.dept, raised.value.needed, raised.value.able) == (dept, needed, able)
    assert str(raised.value) == (
        f"department {dept} needs {needed} able inspectors but only {able} are able"
    )


def test_precheck_counts_only_able_inspectors_and_accepts_another_group_count():
    inspectors = [
        InspectorRow("S1", "SAMR", 0, 2, ("LE",)),
        InspectorRow("S2", "SAMR", 2, 2, ("LE",)),  # at MAX_LOAD
        InspectorRow("S3", "SAMR", 0, 2, ()),  # lacks LE
        InspectorRow("S4", "SAMR", 1, 2, ("LE", "FOOD")),
        InspectorRow("E1", "EPB", 0, 1, ()),
        InspectorRow("E2", "EPB", 0, 1, ()),
    ]
    params = {"groups": 2, "group": {"SAMR": 1, "EPB": 1}, "required_tags": {"SAMR": ["LE"]}}
    able = precheck_inspectors(inspectors, params)
    assert {d: [i.inspector_id for i in pool] for d, pool in able.items()} == {
        "SAMR": ["S1", "S4"],
        "EPB": ["E1", "E2"],
    }
    with pytest.raises(InfeasibleDraw) as raised:
        precheck_inspectors(inspectors, params, groups=3)
    assert (raised.value.dept, raised.value.needed, raised.value.able) == ("EPB", 3, 2)


def retry_scenario(max_attempts: int, seed: str) -> Scenario:
    """Object X meets two of three SAMR inspectors: an attempt fails when both are drawn."""
    inspectors = [InspectorRow(f"S{n}", "SAMR", 0, 5, ()) for n in (1, 2, 3)] + [
        InspectorRow(f"E{n}", "EPB", 0, 5, ()) for n in (1, 2)
    ]
    objects = [uscc(1), uscc(2)]
    conflicts = [Conflict("S1", uscc(1)), Conflict("S2", uscc(1))]
    params = {
        "groups": 2,
        "group": {"SAMR": 1, "EPB": 1},
        "lead_dept": "SAMR",
        "max_attempts": max_attempts,
    }
    return Scenario(objects, inspectors, conflicts, params, seed)


def test_a_failed_attempt_is_retried_with_the_next_attempt_number():
    retried = []
    for counter in range(60):
        try:
            result = retry_scenario(5, seed_for(counter)).draw()
        except DrawFailed:
            continue
        if result["attempt"] > 0:
            retried.append(result)
            check_rules(retry_scenario(5, seed_for(counter)), result)
    assert retried, "no seed needed a second attempt"


def test_the_draw_fails_when_every_attempt_fails():
    failures = []
    for counter in range(30):
        try:
            retry_scenario(1, seed_for(counter)).draw()
        except DrawFailed as failure:
            failures.append(failure)
    assert failures
    assert {(f.object_uscc, f.attempts) for f in failures} == {(uscc(1), 1)}


def cap_scenario(blocked_objects: int) -> Scenario:
    """Two groups, four objects (cap 2); S1 meets the first `blocked_objects` objects."""
    inspectors = [
        InspectorRow(i, "SAMR" if i.startswith("S") else "EPB", 0, 5, ())
        for i in ("S1", "S2", "E1", "E2")
    ]
    objects = [uscc(n) for n in range(4)]
    conflicts = [Conflict("S1", uscc(n)) for n in range(blocked_objects)]
    params = {"groups": 2, "group": {"SAMR": 1, "EPB": 1}, "lead_dept": "SAMR", "max_attempts": 3}
    return Scenario(objects, inspectors, conflicts, params, seed_for(0))


def test_a_group_at_cap_takes_no_more_objects():
    # given: objects 0 and 1 cannot go to S1's group, so they fill the other group
    result = cap_scenario(blocked_objects=2).draw()
    s1_group = next(g for g, group in result["groups"].items() if "S1" in group["members"])
    # then: objects 2 and 3 must go to S1's group, because the other one is at cap
    assert [result["assignment"][uscc(n)] == s1_group for n in range(4)] == [
        False,
        False,
        True,
        True,
    ]


def test_a_third_object_for_a_full_group_fails_the_draw():
    with pytest.raises(DrawFailed) as raised:
        cap_scenario(blocked_objects=3).draw()
    assert raised.value.object_uscc in {uscc(0), uscc(1), uscc(2)}
    assert raised.value.attempts == 3


def test_group_ids_are_zero_padded_to_at_least_three_digits():
    assert group_ids(3) == ["G001", "G002", "G003"]
    ids = group_ids(1000)
    assert ids[0] == "G0001"
    assert ids[-1] == "G1000"
    assert ids == sorted(ids)


def test_run_draw_and_announce_refuse_an_infeasible_draw(small_inputs: DrawInputs):
    short = DrawInputs(
        small_inputs.task_id,
        small_inputs.candidates,
        [i for i in small_inputs.inspectors if i.inspector_id != "EPB-03"],
        small_inputs.conflicts,
        small_inputs.params,
    )
    with pytest.raises(InfeasibleDraw, match="department EPB needs 2 able inspectors but only 1"):
        run_draw(short, "11" * 32, "none", ["1"])
    with pytest.raises(InfeasibleDraw):
        LogChain().announce(short, bytes(32), "none", actor="SAMR", ts="2024-05-06T01:00:00Z")

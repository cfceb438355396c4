"""registries.drawable: who can be drawn for a date range, and which pairs must not meet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registries.choices import InspectorStatus, RecusalStatus
from registries.drawable import (
    DrawableInspector,
    conflict_pairs,
    drawable_inspectors,
    ineligibility_reasons,
)
from registries.models import InspectionObject, Inspector, RecusalRule
from tests.registries.test_inspector_fixtures import (
    days,
    make_expert,
    make_inspector,
    make_object,
    make_recusal,
)

pytestmark = pytest.mark.django_db


def _codes(rows):
    return [row.code for row in rows]


def _draw(department_codes, start, end, **kwargs):
    return _codes(
        drawable_inspectors(department_codes=department_codes, start=start, end=end, **kwargs)
    )


# --- drawable_inspectors ------------------------------------------------------------------------


def test_returns_rows_with_code_department_tags_and_max_load(department_a):
    inspector = make_inspector(department_a, tags=["LE", "FOOD"], max_load=5)
    rows = drawable_inspectors(department_codes=["DEPA"], start=days(1), end=days(10))
    assert rows == [DrawableInspector(inspector.code, "DEPA", ("FOOD", "LE"), 5)]


def test_only_requested_departments_are_returned(department_a, department_b):
    a = make_inspector(department_a)
    make_inspector(department_b)
    assert _draw(["DEPA"], days(1), days(2)) == [a.code]


def test_rows_are_sorted_by_code(department_a, department_b):
    b = make_inspector(department_b, code="DEPB-0001")
    a2 = make_inspector(department_a, code="DEPA-0002")
    a1 = make_inspector(department_a, code="DEPA-0001")
    assert _draw(["DEPB", "DEPA"], days(1), days(2)) == [a1.code, a2.code, b.code]


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "drawable"),
    [
        (-10, 20, True),  # covers the range
        (1, 20, True),  # starts exactly on the first day
        (-10, 10, True),  # ends exactly on the last day
        (2, 20, False),  # starts one day late
        (-10, 9, False),  # ends one day early
        (-100, -1, False),  # expired
        (None, 20, True),  # no start date recorded: valid until the end date
    ],
)
def test_certificate_must_be_valid_over_the_whole_range(
    department_a, valid_from, valid_until, drawable
):
    inspector = make_inspector(
        department_a,
        certificate_valid_from=None if valid_from is None else days(valid_from),
        certificate_valid_until=days(valid_until),
    )
    assert (inspector.code in _draw(["DEPA"], days(1), days(10))) is drawable


def test_inspector_without_certificate_is_not_drawable(department_a):
    make_inspector(
        department_a,
        certificate_number="",
        certificate_valid_from=None,
        certificate_valid_until=None,
    )
    make_inspector(department_a, certificate_valid_until=None)
    assert _draw(["DEPA"], days(1), days(10)) == []


@pytest.mark.parametrize(
    ("since", "until", "drawable"),
    [
        (-20, 0, True),  # leave ended the day before the range
        (-20, 1, False),  # leave ends on the first day
        (10, 30, False),  # leave starts on the last day
        (11, 30, True),  # leave starts the day after the range
        (3, 5, False),  # leave inside the range
        (-20, 30, False),  # leave around the range
        (-20, None, False),  # open-ended leave that started before
        (11, None, True),  # open-ended leave that starts after
        (None, 0, True),  # leave of unknown start that ended before
    ],
)
def test_leave_overlapping_the_range_excludes(department_a, since, until, drawable):
    inspector = make_inspector(
        department_a,
        status=InspectorStatus.ON_LEAVE,
        status_since=None if since is None else days(since),
        status_until=None if until is None else days(until),
    )
    assert (inspector.code in _draw(["DEPA"], days(1), days(10))) is drawable


@pytest.mark.parametrize("status", [InspectorStatus.TRANSFERRED, InspectorStatus.RETIRED])
def test_transferred_and_retired_are_never_drawable(department_a, status):
    make_inspector(department_a, status=status, status_since=days(100))
    assert _draw(["DEPA"], days(1), days(10)) == []


def test_inactive_department_is_not_drawable(department_a):
    make_inspector(department_a)
    department_a.is_active = False
    department_a.save(update_fields=["is_active"])
    assert _draw(["DEPA"], days(1), days(10)) == []


def test_required_tags_keep_only_holders_of_every_tag(department_a, department_b):
    food = make_inspector(department_a, tags=["LE", "FOOD"])
    make_inspector(department_a, tags=["LE"])
    other = make_inspector(department_b, tags=["LE"])
    rows = _draw(
        ["DEPA", "DEPB"], days(1), days(2), required_tags={"DEPA": ["LE", "FOOD"], "DEPB": []}
    )
    assert rows == sorted([food.code, other.code])


def test_experts_come_with_the_expert_pseudo_department(department_a):
    expert = make_expert(tags=["FOOD"], max_load=2)
    make_expert(status=InspectorStatus.ON_LEAVE)
    make_expert(status=InspectorStatus.RETIRED)
    inspector = make_inspector(department_a)
    assert _draw(["DEPA"], days(1), days(2)) == [inspector.code]
    rows = drawable_inspectors(department_codes=["DEPA", "EXPERT"], start=days(1), end=days(2))
    assert DrawableInspector(expert.code, "EXPERT", ("FOOD",), 2) in rows
    assert len(rows) == 2
    assert rows[[row.code for row in rows].index(expert.code)].is_expert


def test_required_tags_apply_to_experts(department_a):
    make_expert(tags=["DRUG"])
    food = make_expert(tags=["FOOD"])
    assert _draw(["EXPERT"], days(1), days(2), required_tags={"EXPERT": ["FOOD"]}) == [food.code]


def test_reversed_range_is_refused(department_a):
    with pytest.raises(ValueError):
        drawable_inspectors(department_codes=["DEPA"], start=days(5), end=days(1))


def test_drawable_runs_two_queries_whatever_the_size(
    department_a, department_b, django_assert_num_queries
):
    for index in range(30):
        make_inspector(department_a if index % 2 else department_b, tags=["LE", "FOOD"])
    make_expert()
    with django_assert_num_queries(2):
        rows = drawable_inspectors(
            department_codes=["DEPA", "DEPB", "EXPERT"], start=days(1), end=days(2)
        )
    assert len(rows) == 31


# --- ineligibility_reasons -----------------------------------------------------------------------


def test_ineligibility_reasons_explain_in_chinese(department_a):
    inspector = make_inspector(
        department_a,
        certificate_valid_until=days(5),
        status=InspectorStatus.ON_LEAVE,
        status_since=days(3),
        status_until=days(4),
    )
    reasons = ineligibility_reasons(inspector, days(1), days(10))
    assert len(reasons) == 2
    assert any("休假" in reason for reason in reasons)
    assert any("执法证有效期至" in reason for reason in reasons)


def test_ineligibility_reasons_empty_for_drawable(department_a):
    inspector = make_inspector(department_a)
    assert ineligibility_reasons(inspector, days(1), days(10)) == []


def test_ineligibility_reasons_for_experts():
    assert ineligibility_reasons(make_expert(), days(1), days(2)) == []
    assert ineligibility_reasons(make_expert(status=InspectorStatus.RETIRED), days(1), days(2))


_offset = st.one_of(st.none(), st.integers(min_value=-5, max_value=15))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    status=st.sampled_from(InspectorStatus.values),
    since=_offset,
    until=_offset,
    valid_from=_offset,
    valid_until=_offset,
    has_certificate=st.booleans(),
)
def test_reasons_are_empty_exactly_when_drawable(
    department_a, status, since, until, valid_from, valid_until, has_certificate
):
    Inspector.objects.all().delete()

    def day(offset):
        return None if offset is None else days(offset)

    inspector = make_inspector(
        department_a,
        status=status,
        status_since=day(since),
        status_until=day(until),
        certificate_number="ZJ1" if has_certificate else "",
        certificate_valid_from=day(valid_from),
        certificate_valid_until=day(valid_until),
    )
    drawable = inspector.code in _draw(["DEPA"], days(2), days(8))
    assert drawable is (ineligibility_reasons(inspector, days(2), days(8)) == [])


# --- conflict_pairs ----------------------------------------------------------------------------


@pytest.fixture
def pool(department_a, staff_a):
    """Two inspectors and three objects in two grids of two districts."""
    grid_one = make_inspector(
        department_a, code="DEPA-0001", grid="330102-01", region_code="330102"
    )
    no_grid = make_inspector(department_a, code="DEPA-0002", grid="", region_code="330105")
    in_grid = make_object(grid="330102-01", region_code="330102")
    same_region = make_object(grid="330102-02", region_code="330102")
    elsewhere = make_object(grid="330105-03", region_code="330105")
    return {
        "grid_one": grid_one,
        "no_grid": no_grid,
        "in_grid": in_grid,
        "same_region": same_region,
        "elsewhere": elsewhere,
        "staff": staff_a,
    }


def _pairs(pool, objects=None):
    codes = [pool["grid_one"].code, pool["no_grid"].code]
    return list(
        conflict_pairs(inspector_codes=codes, objects=objects or InspectionObject.objects.all())
    )


def test_only_confirmed_recusals_conflict(pool):
    make_recusal(pool["grid_one"], pool["elsewhere"], declared_by=pool["staff"])
    make_recusal(
        pool["no_grid"], pool["in_grid"], declared_by=pool["staff"], status=RecusalStatus.DECLARED
    )
    make_recusal(
        pool["no_grid"],
        pool["same_region"],
        declared_by=pool["staff"],
        status=RecusalStatus.REJECTED,
    )
    assert _pairs(pool) == [(pool["grid_one"].code, pool["elsewhere"].code)]


def test_no_rules_means_no_automatic_pairs(pool):
    assert _pairs(pool) == []


def test_own_grid_rule_pairs_same_non_empty_grid(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    assert _pairs(pool) == [(pool["grid_one"].code, pool["in_grid"].code)]


def test_switched_off_rule_adds_nothing(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=False)
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=False)
    assert _pairs(pool) == []


def test_own_region_rule_pairs_same_region(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=True)
    expected = sorted(
        [
            (pool["grid_one"].code, pool["in_grid"].code),
            (pool["grid_one"].code, pool["same_region"].code),
            (pool["no_grid"].code, pool["elsewhere"].code),
        ]
    )
    assert _pairs(pool) == expected


def test_pairs_are_unique_when_several_sources_agree(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=True)
    make_recusal(pool["grid_one"], pool["in_grid"], declared_by=pool["staff"])
    pairs = _pairs(pool)
    assert pairs.count((pool["grid_one"].code, pool["in_grid"].code)) == 1


def test_only_candidates_and_listed_inspectors_are_considered(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=True)
    candidates = InspectionObject.objects.filter(pk=pool["elsewhere"].pk)
    assert _pairs(pool, candidates) == [(pool["no_grid"].code, pool["elsewhere"].code)]
    only_one = conflict_pairs(inspector_codes=[pool["grid_one"].code], objects=candidates)
    assert list(only_one) == []


@pytest.mark.parametrize("form", ["ids", "codes", "values"])
def test_candidates_may_be_ids_codes_or_a_values_queryset(pool, form):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    objects = {
        "ids": [pool["in_grid"].pk, pool["elsewhere"].pk],
        "codes": [pool["in_grid"].code, pool["elsewhere"].code],
        "values": InspectionObject.objects.filter(region_code="330102").values("id"),
    }[form]
    assert _pairs(pool, objects) == [(pool["grid_one"].code, pool["in_grid"].code)]


def test_experts_and_unknown_codes_produce_no_pairs(pool):
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    expert = make_expert()
    pairs = conflict_pairs(
        inspector_codes=[expert.code, "NOPE-0001"], objects=InspectionObject.objects.all()
    )
    assert list(pairs) == []


def test_empty_inspector_list_runs_no_query(pool, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert (
            list(conflict_pairs(inspector_codes=[], objects=InspectionObject.objects.all())) == []
        )


@pytest.mark.parametrize("size", [5, 60])
def test_conflicts_are_set_based_one_query_whatever_the_pool(
    department_a, staff_a, size, django_assert_max_num_queries
):
    # given: inspectors and objects sharing grids, recusals for some pairs, both rules on
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=True)
    inspectors = [
        make_inspector(department_a, grid=f"330102-{index % 3:02d}", region_code="330102")
        for index in range(size)
    ]
    objects = [
        make_object(grid=f"330102-{index % 4:02d}", region_code="330105")
        for index in range(size * 2)
    ]
    for inspector, inspection_object in zip(inspectors, objects, strict=False):
        make_recusal(inspector, inspection_object, declared_by=staff_a)
    # when
    with django_assert_max_num_queries(1):
        pairs = list(
            conflict_pairs(
                inspector_codes=[inspector.code for inspector in inspectors],
                objects=InspectionObject.objects.filter(pk__in=[o.pk for o in objects]),
            )
        )
    # then: every recusal, and every same-grid pair
    expected = {(i.code, o.code) for i, o in zip(inspectors, objects, strict=False)}
    expected |= {(i.code, o.code) for i in inspectors for o in objects if i.grid == o.grid}
    assert pairs == sorted(expected)


def test_large_candidate_pool_is_one_query(department_a, django_assert_max_num_queries):
    # 2,000 candidates written with bulk_create; the answer is computed in SQL
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_GRID, is_active=True)
    inspector = make_inspector(department_a, grid="330102-07")
    from registries.uscc import make_uscc

    InspectionObject.objects.bulk_create(
        InspectionObject(
            code=make_uscc(f"91330102{800000000 + index:09d}"),
            name=f"候选{index}",
            region_code="330102",
            grid="330102-07" if index % 10 == 0 else "330102-08",
        )
        for index in range(2000)
    )
    with django_assert_max_num_queries(1):
        pairs = list(
            conflict_pairs(inspector_codes=[inspector.code], objects=InspectionObject.objects.all())
        )
    assert len(pairs) == 200


def test_validity_window_of_one_day(department_a):
    inspector = make_inspector(
        department_a, certificate_valid_from=days(3), certificate_valid_until=days(3)
    )
    assert _draw(["DEPA"], days(3), days(3)) == [inspector.code]
    assert _draw(["DEPA"], days(3), days(3) + timedelta(days=1)) == []

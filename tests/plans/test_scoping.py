"""Pure plan arithmetic: ratio caps, overlap of scopes, windows, draw estimates."""

import pytest
from django.core.exceptions import ValidationError

from plans.scoping import (
    clean_item_scope,
    clean_ratios,
    estimate_scope,
    item_cap_bp,
    scope_overlap,
    stratum_size,
    uses_credit_classes,
    window_intersection,
)
from tests.plans.factories import InspectionObjectFactory, KeyMatterFactory, MatterFactory


@pytest.mark.django_db
def test_general_matter_caps_the_item_and_key_matter_goes_to_full():
    general = MatterFactory(ratio_cap_bp=500)
    stricter = MatterFactory(ratio_cap_bp=300)
    key = KeyMatterFactory()
    assert item_cap_bp([key]) == 10000
    assert item_cap_bp([general]) == 500
    assert item_cap_bp([key, general, stricter]) == 300


def test_ratio_above_the_cap_is_refused_with_the_class_named():
    with pytest.raises(ValidationError) as error:
        clean_ratios({"A": 100, "B": 300, "C": 600, "D": 500}, cap_bp=500)
    assert "C类" in str(error.value)


def test_key_item_may_sample_every_object():
    assert (
        clean_ratios({"A": 10000, "B": 10000, "C": 10000, "D": 10000}, cap_bp=10000)["D"] == 10000
    )


def test_every_credit_class_needs_a_ratio():
    with pytest.raises(ValidationError):
        clean_ratios({"A": 100, "B": 100}, cap_bp=500)


def test_credit_classes_are_used_when_ratios_differ():
    assert uses_credit_classes({"A": 100, "B": 300, "C": 500, "D": 500})
    assert not uses_credit_classes({"A": 300, "B": 300, "C": 300, "D": 300})


def test_non_directed_item_carries_no_conditions_and_directed_needs_one():
    assert clean_item_scope({"departments": ["DEPA"]}, directed=False) == {"departments": ["DEPA"]}
    with pytest.raises(ValidationError):
        clean_item_scope({"industry_prefixes": ["C13"]}, directed=False)
    with pytest.raises(ValidationError):
        clean_item_scope({}, directed=True)


@pytest.mark.parametrize(
    ("left", "right", "overlaps"),
    [
        ({"industry_prefixes": ["C13"]}, {"industry_prefixes": ["C13"]}, True),
        ({"industry_prefixes": ["C13"]}, {"industry_prefixes": ["C1391"]}, True),  # nested
        ({"industry_prefixes": ["C13"]}, {"industry_prefixes": ["C14"]}, False),
        ({"industry_prefixes": ["C13"]}, {}, True),  # unrestricted side
        ({"region_prefixes": ["330102"]}, {"region_prefixes": ["3301"]}, True),
        ({"region_prefixes": ["330102"]}, {"region_prefixes": ["330105"]}, False),
        ({"industry_prefixes": ["C13"], "region_prefixes": ["330102"]}, {"industry_prefixes": ["C13"], "region_prefixes": ["330105"]}, False),
        ({"scales": ["micro"]}, {"scales": ["large"]}, False),
        ({"kinds": ["enterprise"]}, {"kinds": ["enterprise", "individual"]}, True),
        ({"licence_types": ["食品生产"]}, {"licence_types": ["药品经营"]}, True),  # multi-valued never excludes
        ({"departments": ["DEPA"]}, {"departments": ["DEPB"]}, True),
        ({"statuses": ["cancelled"]}, {}, False),  # default status is active
    ],
)  # fmt: skip
def test_scope_overlap_on_constructed_cases(left, right, overlaps):
    assert (scope_overlap(left, right) is not None) is overlaps
    assert (scope_overlap(right, left) is not None) is overlaps


def test_overlap_reports_why():
    assert (
        scope_overlap({"industry_prefixes": ["C13"]}, {"industry_prefixes": ["C1391"]})[
            "industry_prefixes"
        ]
        == "nested"
    )
    assert scope_overlap({}, {"industry_prefixes": ["C13"]})["industry_prefixes"] == "unrestricted"


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        ([(4, 6), (5, 8)], (5, 6)),
        ([(4, 6), (6, 9)], (6, 6)),
        ([(4, 6), (7, 9)], None),
        ([(1, 12), (3, 3), (2, 4)], (3, 3)),
    ],
)
def test_window_intersection(windows, expected):
    assert window_intersection(windows) == expected


def test_stratum_size_is_the_ceiling_like_the_draw_protocol():
    assert stratum_size(0, 500) == 0
    assert stratum_size(1, 1) == 1
    assert stratum_size(100, 300) == 3
    assert stratum_size(101, 300) == 4
    assert stratum_size(7, 10000) == 7


@pytest.mark.django_db
def test_estimate_draws_special_list_objects_and_ceil_per_class():
    import datetime

    for _ in range(10):
        InspectionObjectFactory(risk_class="A")
    for _ in range(5):
        InspectionObjectFactory(risk_class="D")
    InspectionObjectFactory(risk_class="D", anomaly_since=datetime.date(2024, 1, 1))
    InspectionObjectFactory(risk_class="A", industry_code="F5211")  # out of scope
    estimate = estimate_scope(
        {"industry_prefixes": ["C13"]}, {"A": 100, "B": 300, "C": 500, "D": 5000}
    )
    assert estimate.total == 16
    assert estimate.must == 1
    by_class = {row.risk_class: row for row in estimate.classes}
    assert by_class["A"].drawn == 1  # ceil(10 * 1 %)
    assert by_class["D"].drawn == 1 + 3  # the listed one + ceil(5 * 50 %)
    assert estimate.expected == 5
    assert estimate.market_expected == 5

"""The indicators: expected sampling ratio, joint share, matter coverage, credit classes used."""

from plans import services
from plans.indicators import compute_indicators


def _measures(row):
    return {measure.key: measure for measure in row.measures}


def test_indicators_before_approval(
    plan_year,
    office_admin,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
    objects,
    make_item,
):
    # given: department A one general item (joint with B), department B one key item with flat ratios
    make_item(
        plan_year,
        department_a,
        liaison_a,
        [general_matter],
        participating_departments=[department_b],
    )
    make_item(
        plan_year,
        department_b,
        liaison_b,
        [key_matter],
        title="特种设备",
        ratios={"A": 500, "B": 500, "C": 500, "D": 500},
        scope={"industry_prefixes": ["F52"]},
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_b, submitted_by=liaison_b
    )
    # when
    indicators = compute_indicators(plan_year)
    overall = _measures(indicators.overall)
    # then: 20 enterprises; item A draws 1 (anomaly) + ceil(4*1%)+ceil(5*3%)+ceil(5*5%)+ceil(5*5%) = 5; B's scope holds none
    assert indicators.registry_enterprises == 20
    assert (overall["sampling"].numerator, overall["sampling"].denominator) == (5, 20)
    assert overall["sampling"].value_bp == 2500 and overall["sampling"].ok
    assert (overall["joint"].numerator, overall["joint"].denominator) == (1, 2)
    assert overall["joint"].ok  # 50 % ≥ 30 %
    assert (overall["coverage"].numerator, overall["coverage"].denominator) == (2, 2)
    assert (overall["credit"].numerator, overall["credit"].denominator) == (1, 2)
    assert overall["credit"].ok is False and overall["credit"].tone == "warn"
    rows = {row.code: _measures(row) for row in indicators.departments}
    assert rows["DEPA"]["joint"].value_bp == 10000
    assert rows["DEPB"]["joint"].value_bp == 0
    assert rows["DEPB"]["coverage"].value_bp == 10000
    # department B takes part in A's joint item, so A's matter doesn't count for B's coverage denominator
    assert rows["DEPB"]["coverage"].denominator == 1


def test_drafts_do_not_count_and_empty_plan_has_no_ratio(
    plan_year, liaison_a, department_a, general_matter, objects, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    overall = _measures(compute_indicators(plan_year).overall)
    assert overall["joint"].value_bp is None
    assert overall["joint"].tone == "neutral"
    assert overall["sampling"].numerator == 0


def test_merged_items_count_their_group_once(published_plan):
    indicators = published_plan.current_version.snapshot["indicators"]
    overall = {measure["key"]: measure for measure in indicators["overall"]["measures"]}
    # both items hold the same 20 objects and draw 5 each; merged into one joint task: 5, not 10
    assert overall["sampling"]["numerator"] == 5
    assert overall["joint"]["numerator"] == 2

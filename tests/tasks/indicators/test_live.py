"""Every indicator on a constructed year with answers worked out by hand (builders.py)."""

from datetime import date

import pytest

from plans.models import IndicatorTarget
from tasks.indicators import live
from tests.tasks.indicators.builders import build_year

TODAY = date(2026, 6, 1)

# key: (city, department A, department B) as (numerator, denominator)
EXPECTED = {
    # o1, o2, o4 inspected (o3 only by a voided draw); 10 active market entities (a product is
    # not one); a department that claims no objects is measured against the whole registry.
    "sampling": ((3, 10), (3, 10), (3, 10)),
    # m1 by T1, m2 by T3, m3 by nobody; the common matter does not count.
    "coverage": ((2, 3), (1, 2), (1, 1)),
    # five visits (the combined visit of T2 and T3 is one) and three other inspections.
    "random_share": ((5, 8), (4, 6), (4, 5)),
    # T1's two inspections (a joint task) and the combined visit.
    "joint_share": ((3, 5), (3, 4), (3, 4)),
    # four tasks announced; r1 published (then corrected: still published), r2 not.
    "publication": ((5, 6), (3, 4), (2, 2)),
    # r1 on time (its correction after publication does not count), r2 late, r3 never entered.
    "results_on_time": ((1, 3), (1, 3), (0, 0)),
    # T1, T2 (its first, later voided, list) and T3 (working days across National Day) on time;
    # T4 late; T5 never drawn and overdue.
    "drawn_lists_on_time": ((3, 5), (2, 3), (1, 2)),
    "follow_up": ((1, 2), (1, 1), (0, 1)),
    "credit": ((1, 2), (1, 1), (0, 1)),
    # o1 inspected three times in the city, twice within each department's tasks.
    "low_risk": ((2, 3), (3, 3), (3, 3)),
}


@pytest.fixture
def year(db, office_admin, department_a, department_b):
    return build_year(
        office_admin=office_admin, department_a=department_a, department_b=department_b
    )


@pytest.mark.parametrize("key", list(EXPECTED))
def test_known_answers(year, department_a, department_b, key):
    definition = live.BY_KEY[key]
    for department, expected in zip(
        (None, department_a, department_b), EXPECTED[key], strict=False
    ):
        scope = live.Scope(2025, department.pk if department else None, today=TODAY)
        indicator = live.compute(definition, scope)
        assert (indicator.numerator, indicator.denominator) == expected, (key, department)


def test_calendar_days_would_make_t3_late(year):
    # The working-day rule is what keeps T3 on time: ten calendar days passed.
    units = live.units(live.DRAWN_LISTS_ON_TIME, live.Scope(2025, today=TODAY))
    by_label = {unit.label.split()[0]: unit for unit in units}
    assert by_label["T3"].in_numerator and "2025-10-13" in by_label["T3"].note
    assert not by_label["T4"].in_numerator and not by_label["T5"].in_numerator


def test_trend_is_year_to_date(year):
    scope = live.Scope(2025, today=TODAY)
    low_risk = live.compute(live.LOW_RISK, scope)
    by_month = {point.month: (point.numerator, point.denominator) for point in low_risk.trend}
    assert by_month[2] == (0, 0)
    assert by_month[3] == (2, 2)  # o1 and o2 in March
    assert by_month[5] == (3, 3)  # o4 in May; o1's second inspection
    assert by_month[9] == (2, 3)  # o1's third inspection in September
    sampling = live.compute(live.SAMPLING, scope)
    assert [point.numerator for point in sampling.trend][2:5] == [2, 2, 3]
    assert {point.denominator for point in sampling.trend} == {10}


def test_drill_down_lists_the_records_outside_the_numerator_first(year):
    scope = live.Scope(2025, today=TODAY)
    units = live.units(live.RESULTS_ON_TIME, scope)
    assert [unit.in_numerator for unit in units] == [False, False, True]
    assert {unit.ref_id for unit in units} == {result.pk for result in year.results.values()}
    failing = live.units(live.RESULTS_ON_TIME, scope, failing_only=True)
    assert {unit.ref_id for unit in failing} == {year.results["r2"].pk, year.results["r3"].pk}


def test_other_years_and_no_data(year):
    indicators = live.compute_all(live.Scope(2019, today=TODAY))
    values = {indicator.key: indicator for indicator in indicators}
    assert values["sampling"].numerator == 0 and values["sampling"].value_bp == 0
    assert values["random_share"].value_bp is None and values["random_share"].ok is None
    assert values["coverage"].denominator == 3


@pytest.mark.django_db
def test_empty_database_computes_without_data():
    for indicator in live.compute_all(live.Scope(2025, today=TODAY)):
        assert indicator.numerator == 0
        assert indicator.value_bp is None
        assert indicator.status_label == "无数据"


def test_target_is_configurable_per_year(year, office_admin):
    IndicatorTarget.objects.create(
        year=2025, key="joint_share", target_bp=7000, updated_by=office_admin
    )
    values = {i.key: i for i in live.compute_all(live.Scope(2025, today=TODAY))}
    assert values["joint_share"].target_bp == 7000 and values["joint_share"].ok is False
    other = {i.key: i for i in live.compute_all(live.Scope(2024, today=TODAY))}
    assert other["joint_share"].target_bp == 3000


def test_one_statement_for_every_scope_agrees_with_each_scope_and_its_records(
    year, department_a, department_b
):
    # The dashboards compute the city and every department in one statement (the league); each
    # scope must get exactly its known answers, its own query's and its drill-down's counts.
    every = live.compute_scopes(2025, today=TODAY, city=True, departments=True)
    for index, department in enumerate((None, department_a, department_b)):
        dept = department.pk if department else None
        scope = live.Scope(2025, dept, today=TODAY)
        for indicator in every[dept]:
            definition = live.BY_KEY[indicator.key]
            expected = EXPECTED[indicator.key][index]
            assert (indicator.numerator, indicator.denominator) == expected, (indicator.key, dept)
            alone = live.compute(definition, scope)
            assert [(p.numerator, p.denominator) for p in indicator.trend] == [
                (p.numerator, p.denominator) for p in alone.trend
            ]
            units = live.units(definition, scope)
            assert sum(unit.in_numerator for unit in units) == indicator.numerator
            if not definition.constant_denominator_sql:
                assert len(units) == indicator.denominator, (indicator.key, dept)


def test_a_department_is_measured_against_the_active_market_entities_it_supervises(
    year, department_a, department_b
):
    from registries.choices import ObjectStatus
    from registries.models import InspectionObject, ObjectSupervision

    o1, o2, o5 = year.objects[0], year.objects[1], year.objects[4]
    product = InspectionObject.objects.get(code="P-0001")
    InspectionObject.objects.filter(pk=o5.pk).update(status=ObjectStatus.CANCELLED)
    for inspection_object in (o1, o2, o5, product):
        ObjectSupervision.objects.create(
            inspection_object=inspection_object, department=department_a
        )
    every = live.compute_scopes(2025, today=TODAY, city=True, departments=True)
    sampling = {dept: indicators[0] for dept, indicators in every.items()}
    assert sampling[None].denominator == 9  # o5 is no longer active
    # A: o1 and o2 (the cancelled o5 and the product do not count); B claims none: the registry.
    assert (sampling[department_a.pk].numerator, sampling[department_a.pk].denominator) == (3, 2)
    assert sampling[department_b.pk].denominator == 9
    alone = live.compute(live.SAMPLING, live.Scope(2025, department_a.pk, today=TODAY))
    assert alone.denominator == 2

"""Merge proposals on constructed cases: overlapping vs disjoint scopes, intersecting vs
separate windows, one item per department, lead suggestion, re-proposal rules."""

import pytest

from accounts.choices import Role
from plans import services
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.plans.factories import InspectionObjectFactory, MatterFactory


@pytest.fixture
def department_c(db):
    return DepartmentFactory(code="DEPC", name="丙部门（交通运输局）", short_name="交通运输局")


@pytest.fixture
def liaison_c(department_c):
    return UserFactory(username="liaison_c", department=department_c, roles=[Role.LIAISON])


@pytest.fixture
def compiling(plan_year, office_admin, department_c):
    def run(*specs):
        """specs: (liaison, department, matter, scope, window)"""
        items = []
        for liaison, department, matter, scope, window in specs:
            items.append(
                services.plan_item_create(
                    plan_year=plan_year,
                    department=department,
                    created_by=liaison,
                    title=f"{department.code}-{len(items)}",
                    matters=[matter],
                    scope=scope,
                    directed=bool(set(scope) - {"departments"}),
                    ratios={"A": 100, "B": 200, "C": 300, "D": 500},
                    window_start_month=window[0],
                    window_end_month=window[1],
                )
            )
        for liaison, department, *_ in {spec[1].pk: spec for spec in specs}.values():
            services.plan_department_submit(
                plan_year=plan_year, department=department, submitted_by=liaison
            )
        services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
        return items

    return run


def _groups(plan_year):
    return [
        sorted(p.items.values_list("pk", flat=True))
        for p in plan_year.merge_proposals.filter(status="proposed")
    ]


def test_overlapping_industries_and_intersecting_windows_are_proposed(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    a, b = compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (
            liaison_b,
            department_b,
            key_matter,
            {"industry_prefixes": ["C1391"], "region_prefixes": ["3301"]},
            (5, 9),
        ),
    )
    proposal = plan_year.merge_proposals.get()
    assert sorted(proposal.items.values_list("pk", flat=True)) == [a.pk, b.pk]
    assert (proposal.window_start_month, proposal.window_end_month) == (5, 6)
    assert proposal.basis["overlap"][str(b.pk)]["industry_prefixes"] == "nested"


def test_disjoint_industries_are_not_proposed(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (liaison_b, department_b, key_matter, {"industry_prefixes": ["F52"]}, (3, 6)),
    )
    assert _groups(plan_year) == []


def test_disjoint_regions_are_not_proposed(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    compiling(
        (liaison_a, department_a, general_matter, {"region_prefixes": ["330102"]}, (3, 6)),
        (liaison_b, department_b, key_matter, {"region_prefixes": ["330105"]}, (3, 6)),
    )
    assert _groups(plan_year) == []


def test_separate_windows_are_not_proposed(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 4)),
        (liaison_b, department_b, key_matter, {"industry_prefixes": ["C13"]}, (5, 9)),
    )
    assert _groups(plan_year) == []


def test_an_unrestricted_item_overlaps_a_directed_one(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    compiling(
        (liaison_a, department_a, general_matter, {}, (1, 12)),
        (liaison_b, department_b, key_matter, {"industry_prefixes": ["C13"]}, (5, 5)),
    )
    proposal = plan_year.merge_proposals.get()
    assert proposal.basis["overlap"]
    assert (proposal.window_start_month, proposal.window_end_month) == (5, 5)


def test_items_of_one_department_are_never_merged_with_each_other(
    plan_year, compiling, liaison_a, department_a, general_matter
):
    compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
    )
    assert _groups(plan_year) == []


def test_three_departments_form_one_group_only_where_all_windows_meet(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    liaison_c,
    department_a,
    department_b,
    department_c,
    general_matter,
    key_matter,
):
    third = MatterFactory(code="G003")
    a, b, _c = compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (liaison_b, department_b, key_matter, {"industry_prefixes": ["C13"]}, (5, 8)),
        (liaison_c, department_c, third, {"industry_prefixes": ["C13"]}, (7, 9)),
    )
    # a∩b = 5–6, b∩c = 7–8, a∩c empty: greedy from the earliest window takes a+b; c stays alone
    assert _groups(plan_year) == [sorted([a.pk, b.pk])]


def test_lead_is_the_key_matter_department_else_the_largest_scope(
    plan_year,
    compiling,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    for _ in range(3):
        InspectionObjectFactory(industry_code="C1391")
    InspectionObjectFactory(industry_code="C1499")
    compiling(
        (
            liaison_a,
            department_a,
            general_matter,
            {"industry_prefixes": ["C1"]},
            (3, 6),
        ),  # 4 objects, general
        (
            liaison_b,
            department_b,
            key_matter,
            {"industry_prefixes": ["C13"]},
            (3, 6),
        ),  # 3 objects, key
    )
    assert plan_year.merge_proposals.get().suggested_lead == department_b


def test_lead_by_size_when_no_key_matter(
    plan_year, compiling, liaison_a, liaison_b, department_a, department_b, general_matter
):
    for _ in range(3):
        InspectionObjectFactory(industry_code="C1391")
    InspectionObjectFactory(industry_code="C1499")
    compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (
            liaison_b,
            department_b,
            MatterFactory(code="G002"),
            {"industry_prefixes": ["C1"]},
            (3, 6),
        ),
    )
    assert plan_year.merge_proposals.get().suggested_lead == department_b


def test_rerun_replaces_open_proposals_and_skips_rejected_groups(
    plan_year,
    compiling,
    office_admin,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
):
    compiling(
        (liaison_a, department_a, general_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
        (liaison_b, department_b, key_matter, {"industry_prefixes": ["C13"]}, (3, 6)),
    )
    first = plan_year.merge_proposals.get()
    services.plan_propose_merges(plan_year=plan_year, proposed_by=office_admin)
    assert plan_year.merge_proposals.filter(status="proposed").count() == 1
    assert not plan_year.merge_proposals.filter(pk=first.pk).exists()
    services.merge_proposal_reject(
        proposal=plan_year.merge_proposals.get(), rejected_by=office_admin, comment="分别实施"
    )
    assert services.plan_propose_merges(plan_year=plan_year, proposed_by=office_admin) == []

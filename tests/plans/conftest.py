import datetime

import pytest

from plans import services
from tests.plans.factories import InspectionObjectFactory, KeyMatterFactory, MatterFactory

RATIOS = {"A": 100, "B": 300, "C": 500, "D": 500}


@pytest.fixture
def general_matter(db, department_a):
    matter = MatterFactory(code="G001", name="食品生产企业监督检查", ratio_cap_bp=500)
    matter.implementing_departments.add(department_a)
    return matter


@pytest.fixture
def key_matter(db, department_b):
    matter = KeyMatterFactory(code="K001", name="特种设备安全监督检查")
    matter.implementing_departments.add(department_b)
    return matter


@pytest.fixture
def objects(db):
    """20 food-processing enterprises in one district, 5 per credit class; one on a special list."""
    created = []
    for index in range(20):
        created.append(InspectionObjectFactory(risk_class="ABCD"[index % 4], industry_code="C1391"))
    created[0].anomaly_since = datetime.date(2025, 3, 1)
    created[0].save(update_fields=["anomaly_since"])
    return created


@pytest.fixture
def plan_year(office_admin, department_a, department_b):
    return services.plan_year_open(year=2027, opened_by=office_admin)


def item_kwargs(matters, **overrides):
    kwargs = {
        "title": "食品生产企业双随机抽查",
        "matters": matters,
        "scope": {"industry_prefixes": ["C13"]},
        "directed": True,
        "ratios": dict(RATIOS),
        "window_start_month": 4,
        "window_end_month": 6,
        "notes": "",
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def make_item():
    def make(plan_year, department, user, matters, **overrides):
        return services.plan_item_create(
            plan_year=plan_year,
            department=department,
            created_by=user,
            **item_kwargs(matters, **overrides),
        )

    return make


@pytest.fixture
def liaison_b(department_b):
    from accounts.choices import Role
    from tests.accounts.factories import UserFactory

    return UserFactory(
        username="liaison_b", department=department_b, roles=[Role.LIAISON, Role.STAFF]
    )


@pytest.fixture
def published_plan(
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
    """Both departments submitted, compiled, merges decided, approved and published (v1)."""
    make_item(plan_year, department_a, liaison_a, [general_matter])
    make_item(
        plan_year,
        department_b,
        liaison_b,
        [key_matter],
        title="特种设备抽查",
        window_start_month=5,
        window_end_month=8,
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_b, submitted_by=liaison_b
    )
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    for proposal in plan_year.merge_proposals.filter(status="proposed"):
        services.merge_proposal_accept(proposal=proposal, accepted_by=office_admin)
    services.plan_submit_for_approval(plan_year=plan_year, submitted_by=office_admin)
    services.plan_approve(plan_year=plan_year, approved_by=office_admin, comment="同意")
    services.plan_publish(plan_year=plan_year, published_by=office_admin)
    plan_year.refresh_from_db()
    return plan_year

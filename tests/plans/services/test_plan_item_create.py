import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from plans import services
from tests.plans.conftest import item_kwargs


def test_liaison_drafts_an_item_for_their_department(
    plan_year, liaison_a, department_a, department_b, general_matter
):
    item = services.plan_item_create(
        plan_year=plan_year,
        department=department_a,
        created_by=liaison_a,
        **item_kwargs([general_matter], participating_departments=[department_b, department_a]),
    )
    assert item.status == "draft"
    assert item.scope == {"industry_prefixes": ["C13"]}
    assert list(item.participating_departments.all()) == [
        department_b
    ]  # the lead is not its own participant
    assert AuditEvent.objects.filter(action="plan_item.create", target_id=str(item.pk)).exists()


def test_general_matter_ratio_above_its_cap_is_refused(
    plan_year, staff_a, department_a, general_matter
):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(
            plan_year=plan_year,
            department=department_a,
            created_by=staff_a,
            **item_kwargs([general_matter], ratios={"A": 100, "B": 300, "C": 501, "D": 500}),
        )
    assert "ratios" in error.value.message_dict


def test_key_matter_may_go_to_full_sampling(plan_year, staff_b, department_b, key_matter):
    item = services.plan_item_create(
        plan_year=plan_year,
        department=department_b,
        created_by=staff_b,
        **item_kwargs([key_matter], ratios={"A": 2000, "B": 5000, "C": 10000, "D": 10000}),
    )
    assert item.ratios["D"] == 10000


def test_mixed_item_is_held_to_its_general_matters_cap(
    plan_year, staff_a, department_a, general_matter, key_matter
):
    with pytest.raises(ValidationError):
        services.plan_item_create(
            plan_year=plan_year,
            department=department_a,
            created_by=staff_a,
            **item_kwargs(
                [general_matter, key_matter], ratios={"A": 100, "B": 300, "C": 1000, "D": 3000}
            ),
        )
    item = services.plan_item_create(
        plan_year=plan_year,
        department=department_a,
        created_by=staff_a,
        **item_kwargs(
            [general_matter, key_matter], ratios={"A": 100, "B": 300, "C": 500, "D": 500}
        ),
    )
    assert item.matters.count() == 2


def test_a_department_cannot_draft_for_another(plan_year, staff_b, department_a, general_matter):
    with pytest.raises(PermissionDenied):
        services.plan_item_create(
            plan_year=plan_year,
            department=department_a,
            created_by=staff_b,
            **item_kwargs([general_matter]),
        )


@pytest.mark.parametrize("persona", ["inspector_a", "witness_a"])
def test_roles_without_planning_cannot_draft(
    request, plan_year, department_a, general_matter, persona
):
    with pytest.raises(PermissionDenied):
        services.plan_item_create(
            plan_year=plan_year,
            department=department_a,
            created_by=request.getfixturevalue(persona),
            **item_kwargs([general_matter]),
        )


def test_department_admin_drafts_like_every_working_role(
    plan_year, dept_admin_a, department_a, general_matter
):
    """One vocabulary (issue 15): the department admin is a working role in plans as everywhere."""
    item = services.plan_item_create(
        plan_year=plan_year,
        department=department_a,
        created_by=dept_admin_a,
        **item_kwargs([general_matter]),
    )
    assert item.department == department_a


def test_window_and_matters_are_validated(plan_year, staff_a, department_a, general_matter):
    with pytest.raises(ValidationError) as error:
        services.plan_item_create(
            plan_year=plan_year,
            department=department_a,
            created_by=staff_a,
            **item_kwargs([], window_start_month=8, window_end_month=3),
        )
    assert {"matters", "window_end_month"} <= set(error.value.message_dict)


def test_submitted_report_locks_new_items_but_the_office_may_add(
    plan_year, liaison_a, office_admin, department_a, general_matter, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    with pytest.raises(ValidationError):
        make_item(plan_year, department_a, liaison_a, [general_matter])
    added = make_item(
        plan_year, department_a, office_admin, [general_matter], title="联席办补充事项"
    )
    assert added.status == "submitted"

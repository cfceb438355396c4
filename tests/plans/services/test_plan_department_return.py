import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.inbox.selectors import notification_list_for
from plans import services


@pytest.fixture
def submitted(plan_year, liaison_a, department_a, general_matter, make_item):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    return plan_year


def test_return_unlocks_items_records_reason_and_tells_the_liaison(
    submitted, office_admin, liaison_a, department_a
):
    submission = services.plan_department_return(
        plan_year=submitted,
        department=department_a,
        returned_by=office_admin,
        reason="请按信用分类区分比例",
    )
    assert (submission.status, submission.return_reason) == ("returned", "请按信用分类区分比例")
    assert set(submitted.items.values_list("status", flat=True)) == {"returned"}
    assert (
        notification_list_for(liaison_a, unread_only=True)
        .filter(body="请按信用分类区分比例")
        .exists()
    )


def test_return_needs_a_reason_and_an_office_admin(
    submitted, office_admin, dept_admin_a, department_a
):
    with pytest.raises(ValidationError):
        services.plan_department_return(
            plan_year=submitted, department=department_a, returned_by=office_admin, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.plan_department_return(
            plan_year=submitted, department=department_a, returned_by=dept_admin_a, reason="x"
        )


def test_a_draft_report_cannot_be_returned(plan_year, office_admin, department_b):
    with pytest.raises(ValidationError):
        services.plan_department_return(
            plan_year=plan_year, department=department_b, returned_by=office_admin, reason="x"
        )

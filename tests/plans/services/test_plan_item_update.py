import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from plans import services
from tests.plans.conftest import item_kwargs


def test_update_records_what_changed(plan_year, staff_a, department_a, general_matter, make_item):
    item = make_item(plan_year, department_a, staff_a, [general_matter])
    services.plan_item_update(
        item=item, updated_by=staff_a, **item_kwargs([general_matter], window_start_month=5)
    )
    item.refresh_from_db()
    assert item.window_start_month == 5
    event = AuditEvent.objects.get(action="plan_item.update", target_id=str(item.pk))
    assert event.details["changes"]["window"] == {"before": [4, 6], "after": [5, 6]}


def test_other_department_cannot_update(
    plan_year, staff_a, staff_b, department_a, general_matter, make_item
):
    item = make_item(plan_year, department_a, staff_a, [general_matter])
    with pytest.raises(PermissionDenied):
        services.plan_item_update(item=item, updated_by=staff_b, **item_kwargs([general_matter]))


def test_submitted_items_are_locked_until_returned(
    plan_year, liaison_a, office_admin, department_a, general_matter, make_item
):
    item = make_item(plan_year, department_a, liaison_a, [general_matter])
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    with pytest.raises(ValidationError):
        services.plan_item_update(
            item=item, updated_by=liaison_a, **item_kwargs([general_matter], title="改")
        )
    services.plan_department_return(
        plan_year=plan_year, department=department_a, returned_by=office_admin, reason="补充范围"
    )
    services.plan_item_update(
        item=item, updated_by=liaison_a, **item_kwargs([general_matter], title="改")
    )
    item.refresh_from_db()
    assert (item.title, item.status) == ("改", "returned")

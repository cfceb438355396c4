import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import PlanItem


def test_a_draft_is_deleted(plan_year, staff_a, department_a, general_matter, make_item):
    item = make_item(plan_year, department_a, staff_a, [general_matter])
    assert services.plan_item_delete(item=item, deleted_by=staff_a) is None
    assert not PlanItem.objects.filter(pk=item.pk).exists()


def test_an_approved_item_is_withdrawn_during_an_adjustment(published_plan, office_admin):
    services.plan_adjust_start(plan_year=published_plan, reason="机构改革", by=office_admin)
    item = published_plan.items.first()
    withdrawn = services.plan_item_delete(item=item, deleted_by=office_admin)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.plan_item_delete(item=withdrawn, deleted_by=office_admin)


def test_nothing_changes_while_approved(published_plan, office_admin):
    with pytest.raises(ValidationError):
        services.plan_item_delete(item=published_plan.items.first(), deleted_by=office_admin)

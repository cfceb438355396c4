"""services.recusals.recusal_rule_set"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.drawable import conflict_pairs
from registries.inspectors.selectors import recusal_rules
from registries.inspectors.services.recusals import recusal_rule_set
from registries.models import InspectionObject, RecusalRule
from tests.registries.test_inspector_fixtures import make_inspector, make_object


def test_rules_are_off_until_the_office_switches_them_on(db):
    assert [rule["is_active"] for rule in recusal_rules()] == [False, False]


def test_office_admin_switches_the_own_grid_rule(office_admin, department_a):
    inspector = make_inspector(department_a, grid="330102-01")
    make_object(grid="330102-01")
    rule = recusal_rule_set(
        kind="own_grid", is_active=True, set_by=office_admin, note="网格责任人回避"
    )
    assert rule.is_active
    assert (
        len(
            list(
                conflict_pairs(
                    inspector_codes=[inspector.code], objects=InspectionObject.objects.all()
                )
            )
        )
        == 1
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.details["before"], event.details["after"]["is_active"]) == (
        "recusal_rule.set",
        None,
        True,
    )
    recusal_rule_set(kind="own_grid", is_active=False, set_by=office_admin)
    assert not RecusalRule.objects.get(kind="own_grid").is_active
    assert (
        list(
            conflict_pairs(inspector_codes=[inspector.code], objects=InspectionObject.objects.all())
        )
        == []
    )


@pytest.mark.parametrize("persona", ["dept_admin_a", "staff_a"])
def test_departments_cannot_set_rules(request, persona):
    with pytest.raises(PermissionDenied):
        recusal_rule_set(kind="own_grid", is_active=True, set_by=request.getfixturevalue(persona))


def test_unknown_rule_is_refused(office_admin):
    with pytest.raises(ValidationError):
        recusal_rule_set(kind="same_surname", is_active=True, set_by=office_admin)

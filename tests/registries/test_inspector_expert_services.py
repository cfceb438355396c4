"""services.inspectors.expert_create / expert_update: the office maintains the expert registry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.choices import InspectorStatus
from registries.inspectors.services.inspectors import expert_create, expert_update
from tests.registries.test_inspector_fixtures import make_expert


def _create(by, **fields):
    values = {
        "name": "钱教授",
        "organisation": "临江大学",
        "speciality": "食品安全",
        "tags": ["food"],
    }
    values.update(fields)
    return expert_create(created_by=by, **values)


def test_office_admin_registers_experts_with_sequential_codes(office_admin):
    make_expert(code="EXPERT-0007")
    expert = _create(office_admin)
    assert expert.code == "EXPERT-0008"
    assert expert.tags == ["FOOD"]
    assert AuditEvent.objects.order_by("-seq").first().action == "expert.create"


@pytest.mark.parametrize("persona", ["dept_admin_a", "staff_a", "inspector_a"])
def test_departments_cannot_register_experts(request, persona):
    with pytest.raises(PermissionDenied):
        _create(request.getfixturevalue(persona))


def test_update_records_changes(office_admin):
    expert = _create(office_admin)
    expert = expert_update(
        expert=expert,
        updated_by=office_admin,
        speciality="食品检验",
        status=InspectorStatus.ON_LEAVE,
    )
    assert expert.status == InspectorStatus.ON_LEAVE
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "expert.update"
    assert event.details["changes"]["speciality"] == ["食品安全", "食品检验"]


def test_retired_expert_stays_retired(office_admin):
    expert = _create(office_admin)
    expert_update(expert=expert, updated_by=office_admin, status=InspectorStatus.RETIRED)
    with pytest.raises(ValidationError):
        expert_update(expert=expert, updated_by=office_admin, status=InspectorStatus.ACTIVE)


def test_department_cannot_update_expert(office_admin, dept_admin_a):
    expert = _create(office_admin)
    with pytest.raises(PermissionDenied):
        expert_update(expert=expert, updated_by=dept_admin_a, name="改名")


def test_expert_requires_organisation(office_admin):
    with pytest.raises(ValidationError):
        _create(office_admin, organisation="")

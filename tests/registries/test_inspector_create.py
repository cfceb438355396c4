"""services.inspectors.inspector_create"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.choices import InspectorStatus
from registries.inspectors.services.inspectors import inspector_create
from tests.registries.test_inspector_fixtures import days, make_inspector


def _create(by, department, **fields):
    values = {
        "name": "王小明",
        "post": "执法科员",
        "certificate_number": "ZJ0001",
        "certificate_valid_from": days(-10),
        "certificate_valid_until": days(700),
        "tags": "food; drug",
    }
    values.update(fields)
    return inspector_create(created_by=by, department=department, **values)


def test_staff_registers_inspector_with_department_code_and_audit_event(staff_a, department_a):
    inspector = _create(staff_a, department_a)
    assert inspector.code == "DEPA-0001"
    assert inspector.tags == ["DRUG", "FOOD", "LE"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "inspector.create"
    assert event.details["code"] == "DEPA-0001"
    assert event.actor == staff_a


def test_codes_follow_the_highest_ever_issued_and_are_never_reused(
    staff_a, department_a, department_b
):
    make_inspector(department_a, code="DEPA-0041")
    make_inspector(department_b, code="DEPB-0099")
    first = _create(staff_a, department_a, certificate_number="A1")
    second = _create(staff_a, department_a, certificate_number="A2")
    assert (first.code, second.code) == ("DEPA-0042", "DEPA-0043")


def test_office_admin_registers_for_any_department(office_admin, department_b):
    assert _create(office_admin, department_b).code == "DEPB-0001"


def test_other_department_cannot_register(staff_b, department_a):
    with pytest.raises(PermissionDenied):
        _create(staff_b, department_a)


@pytest.mark.parametrize("persona", ["inspector_a", "witness_a"])
def test_read_only_roles_cannot_register(request, persona, department_a):
    with pytest.raises(PermissionDenied):
        _create(request.getfixturevalue(persona), department_a)


def test_office_has_no_inspectors(office_admin, office):
    with pytest.raises(ValidationError):
        _create(office_admin, office)


def test_certificate_needs_an_end_date_after_its_start(staff_a, department_a):
    with pytest.raises(ValidationError) as error:
        _create(
            staff_a, department_a, certificate_valid_from=days(10), certificate_valid_until=days(5)
        )
    assert "certificate_valid_until" in error.value.message_dict
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, certificate_valid_until=None)


def test_certificate_number_is_unique_among_serving_inspectors(staff_a, department_a):
    make_inspector(department_a, certificate_number="ZJ0001")
    with pytest.raises(ValidationError) as error:
        _create(staff_a, department_a)
    assert "certificate_number" in error.value.message_dict


def test_retired_holder_does_not_block_certificate_number(staff_a, department_a):
    make_inspector(department_a, certificate_number="ZJ0001", status=InspectorStatus.RETIRED)
    assert _create(staff_a, department_a).certificate_number == "ZJ0001"


def test_no_certificate_means_no_le_tag(staff_a, department_a):
    inspector = _create(
        staff_a,
        department_a,
        certificate_number="",
        certificate_valid_from=None,
        certificate_valid_until=None,
        tags=["LE", "FOOD"],
    )
    assert inspector.tags == ["FOOD"]


def test_tags_must_be_ascii_identifiers(staff_a, department_a):
    with pytest.raises(ValidationError) as error:
        _create(staff_a, department_a, tags=["食品"])
    assert "tags" in error.value.message_dict


def test_region_and_grid_are_validated(staff_a, department_a):
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, region_code="33AB")
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, grid="网格 1")
    inspector = _create(staff_a, department_a, region_code="330102", grid="330102-03")
    assert (inspector.region_code, inspector.grid) == ("330102", "330102-03")


def test_linked_account_must_be_of_the_department_and_free(
    staff_a, department_a, inspector_a, staff_b
):
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, user=staff_b)
    _create(staff_a, department_a, user=inspector_a)
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, user=inspector_a, certificate_number="ZJ0002")


def test_new_inspector_cannot_start_transferred(staff_a, department_a):
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, status=InspectorStatus.TRANSFERRED)


def test_max_load_bounds(staff_a, department_a):
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, max_load=0)


def test_failed_creation_leaves_no_event(staff_a, department_a):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        _create(staff_a, department_a, tags=["坏"])
    assert AuditEvent.objects.count() == before


def test_linked_account_must_hold_the_inspector_role(staff_a, department_a):
    from tests.accounts.factories import UserFactory

    clerk = UserFactory(username="clerk_a", department=department_a, roles=["staff"])
    with pytest.raises(ValidationError) as error:
        _create(staff_a, department_a, user=clerk)
    assert "执法检查人员角色" in str(error.value)

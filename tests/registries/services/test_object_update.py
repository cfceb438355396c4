"""object_update: changes keep their history (field -> [before, after], who, when, source)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.models import ObjectChange
from registries.objects.services import object_update
from tests.registries.object_factories import make_object, object_a, object_b  # noqa: F401

pytestmark = pytest.mark.django_db


def test_update_records_before_and_after(staff_a, object_a):  # noqa: F811
    # given
    old_name = object_a.name
    # when
    object_update(
        inspection_object=object_a,
        updated_by=staff_a,
        source="manual",
        name="临江市恒达食品股份有限公司",
        risk_class="C",
    )
    # then
    object_a.refresh_from_db()
    assert object_a.name == "临江市恒达食品股份有限公司"
    change = ObjectChange.objects.get(inspection_object=object_a)
    assert change.changes == {
        "name": [old_name, "临江市恒达食品股份有限公司"],
        "risk_class": ["B", "C"],
    }
    assert change.changed_by == staff_a
    assert change.source == "manual"
    assert change.changed_at is not None
    event = AuditEvent.objects.get(action="inspection_object.update")
    assert event.details["changes"]["risk_class"] == ["B", "C"]


def test_status_changes_go_through_update(staff_a, object_a):  # noqa: F811
    object_update(inspection_object=object_a, updated_by=staff_a, status="revoked")
    object_a.refresh_from_db()
    assert object_a.status == "revoked"
    assert ObjectChange.objects.get(inspection_object=object_a).changes == {
        "status": ["active", "revoked"]
    }


def test_nothing_changed_records_nothing(staff_a, object_a):  # noqa: F811
    object_update(
        inspection_object=object_a, updated_by=staff_a, name=object_a.name, risk_class="B"
    )
    assert not ObjectChange.objects.filter(inspection_object=object_a).exists()
    assert not AuditEvent.objects.filter(action="inspection_object.update").exists()


def test_history_accumulates(staff_a, office_admin, object_a):  # noqa: F811
    object_update(inspection_object=object_a, updated_by=staff_a, grid="330106-01")
    object_update(
        inspection_object=object_a, updated_by=office_admin, grid="330106-02", source="api"
    )
    changes = list(ObjectChange.objects.filter(inspection_object=object_a).order_by("pk"))
    assert [change.changes["grid"] for change in changes] == [
        ["", "330106-01"],
        ["330106-01", "330106-02"],
    ]
    assert [change.changed_by for change in changes] == [staff_a, office_admin]
    assert changes[1].source == "api"


def test_code_change_is_validated(staff_a, object_a, object_b):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        object_update(inspection_object=object_a, updated_by=staff_a, code=object_a.code[:17] + "?")
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        object_update(inspection_object=object_a, updated_by=staff_a, code=object_b.code)
    assert "其他对象" in error.value.message_dict["code"][0]


def test_kind_change_revalidates_the_code(staff_a, department_a):
    product = make_object(departments=[department_a], kind="product", code="CP-330106-0001")
    with pytest.raises(ValidationError) as error:
        object_update(inspection_object=product, updated_by=staff_a, kind="enterprise")
    assert "统一社会信用代码" in error.value.message_dict["code"][0]
    product.refresh_from_db()
    assert product.kind == "product"


def test_other_department_cannot_update(staff_b, object_a):  # noqa: F811
    with pytest.raises(PermissionDenied):
        object_update(inspection_object=object_a, updated_by=staff_b, name="改名")


def test_disputed_claim_does_not_give_edit_rights(staff_b, department_a, department_b):
    inspection_object = make_object(departments=[department_a], disputed=[department_b])
    with pytest.raises(PermissionDenied):
        object_update(inspection_object=inspection_object, updated_by=staff_b, name="改名")


def test_unknown_fields_are_refused(staff_a, object_a):  # noqa: F811
    with pytest.raises(ValidationError):
        object_update(inspection_object=object_a, updated_by=staff_a, anomaly_since="2025-01-01")

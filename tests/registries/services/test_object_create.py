"""object_create: single entry (单户录入) with the USCC check, supervision and history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.models import ObjectChange, ObjectSupervision
from registries.objects.services import object_create
from registries.uscc import USCC_ALPHABET, make_uscc
from tests.registries.object_factories import new_uscc, object_a  # noqa: F401

pytestmark = pytest.mark.django_db


def _values(**overrides):
    values = {
        "kind": "enterprise",
        "code": new_uscc(),
        "name": "临江市鑫源餐饮管理有限公司",
        "region_code": "330106",
        "industry_code": "h6210",
        "licence_types": ["食品经营许可证", " 食品经营许可证 "],
    }
    values.update(overrides)
    return values


def test_department_entry_is_supervised_by_the_department(staff_a, department_a):
    # when
    inspection_object = object_create(created_by=staff_a, **_values())
    # then
    supervision = ObjectSupervision.objects.get(inspection_object=inspection_object)
    assert supervision.department == department_a
    assert supervision.status == ObjectSupervision.Status.CLAIMED
    assert supervision.claimed_by == staff_a
    assert inspection_object.industry_code == "H6210"
    assert inspection_object.licence_types == ["食品经营许可证"]


def test_create_records_history_and_audit_event(staff_a):
    inspection_object = object_create(created_by=staff_a, source="manual", **_values())
    change = ObjectChange.objects.get(inspection_object=inspection_object)
    assert change.changed_by == staff_a
    assert change.changes["name"] == [None, "临江市鑫源餐饮管理有限公司"]
    assert change.changes["supervising_departments"] == [None, ["DEPA"]]
    event = AuditEvent.objects.get(action="inspection_object.create")
    assert event.target_id == str(inspection_object.pk)
    assert event.details["departments"] == ["DEPA"]


def test_office_names_the_supervising_departments(office_admin, office, department_a, department_b):
    inspection_object = object_create(
        created_by=office_admin,
        supervising_departments=[department_a, department_b, office],
        **_values(),
    )
    codes = set(inspection_object.supervisions.values_list("department__code", flat=True))
    assert codes == {"DEPA", "DEPB"}


def test_code_is_normalised_before_the_check(staff_a):
    code = new_uscc()
    inspection_object = object_create(created_by=staff_a, **_values(code=f"  {code.lower()} "))
    assert inspection_object.code == code


def test_wrong_check_character_names_the_expected_one(staff_a):
    code = new_uscc()
    wrong = next(char for char in USCC_ALPHABET if char != code[-1])
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_a, **_values(code=code[:17] + wrong))
    message = error.value.message_dict["code"][0]
    assert f"第18位应为“{code[-1]}”" in message
    assert f"实际为“{wrong}”" in message


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91330106MA2", "应为18位，实际为 11 位"),
        ("91330106MA2GOOD0X1", "第 13 位的字符“O”不允许"),
        ("91A30106MA2B7C4D0X", "第 3 位的字符“A”不允许"),
    ],
)
def test_malformed_codes_are_explained(staff_a, code, fragment):
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_a, **_values(code=code))
    assert fragment in error.value.message_dict["code"][0]


def test_individual_businesses_and_cooperatives_need_a_uscc_too(staff_a):
    with pytest.raises(ValidationError):
        object_create(created_by=staff_a, **_values(kind="cooperative", code="COOP-0001"))
    inspection_object = object_create(
        created_by=staff_a, **_values(kind="individual", code=make_uscc("92330106" + "123456789"))
    )
    assert inspection_object.kind == "individual"


def test_products_projects_and_behaviours_carry_their_own_code(staff_a):
    inspection_object = object_create(
        created_by=staff_a, **_values(kind="product", code="cp-330106-0001")
    )
    assert inspection_object.code == "CP-330106-0001"
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_a, **_values(kind="project", code="工程1"))
    assert "对象编码" in error.value.message_dict["code"][0]


def test_duplicate_code_points_to_claiming(staff_b, object_a):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_b, **_values(code=object_a.code))
    assert "认领" in error.value.message_dict["code"][0]


def test_region_and_industry_codes_are_checked(staff_a):
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_a, **_values(region_code="3301"))
    assert "region_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        object_create(created_by=staff_a, **_values(industry_code="食品"))
    assert "industry_code" in error.value.message_dict


def test_readers_cannot_create(inspector_a, witness_a):
    for user in (inspector_a, witness_a):
        with pytest.raises(PermissionDenied):
            object_create(created_by=user, **_values())

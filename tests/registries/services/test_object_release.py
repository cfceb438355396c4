"""object_release: a department gives up its claim; the office may release for any department."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registries.models import ObjectChange, ObjectSupervision
from registries.objects.services import object_release
from tests.registries.object_factories import make_object, object_a  # noqa: F401

pytestmark = pytest.mark.django_db


def test_department_releases_its_claim(staff_a, department_a, object_a):  # noqa: F811
    object_release(
        inspection_object=object_a,
        department=department_a,
        released_by=staff_a,
        reason="已迁出辖区",
    )
    assert not ObjectSupervision.objects.filter(inspection_object=object_a).exists()
    change = ObjectChange.objects.get(inspection_object=object_a)
    assert change.changes == {
        "supervision.DEPA": ["claimed", None],
        "release_reason": [None, "已迁出辖区"],
    }


def test_department_cannot_release_for_another(staff_b, department_a, object_a):  # noqa: F811
    with pytest.raises(PermissionDenied):
        object_release(inspection_object=object_a, department=department_a, released_by=staff_b)


def test_office_releases_for_any_department(office_admin, department_a, object_a):  # noqa: F811
    object_release(inspection_object=object_a, department=department_a, released_by=office_admin)
    assert not object_a.supervisions.exists()


def test_department_withdraws_a_pending_claim(staff_b, department_a, department_b):
    inspection_object = make_object(departments=[department_a], disputed=[department_b])
    object_release(
        inspection_object=inspection_object, department=department_b, released_by=staff_b
    )
    assert list(inspection_object.supervisions.values_list("department__code", flat=True)) == [
        "DEPA"
    ]


def test_releasing_without_a_claim_is_refused(staff_b, department_b, object_a):  # noqa: F811
    with pytest.raises(ValidationError):
        object_release(inspection_object=object_a, department=department_b, released_by=staff_b)

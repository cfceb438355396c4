"""object_claim: a department claims an object; a second department's claim is disputed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.models import ObjectChange, ObjectSupervision
from registries.objects.services import object_claim
from registries.permissions import objects_visible_to
from tests.registries.object_factories import make_object, object_a  # noqa: F401

pytestmark = pytest.mark.django_db


def test_claiming_an_unclaimed_object_makes_it_visible(staff_a):
    inspection_object = make_object()
    assert not objects_visible_to(staff_a).filter(pk=inspection_object.pk).exists()
    supervision = object_claim(inspection_object=inspection_object, claimed_by=staff_a)
    assert supervision.status == ObjectSupervision.Status.CLAIMED
    assert objects_visible_to(staff_a).filter(pk=inspection_object.pk).exists()
    change = ObjectChange.objects.get(inspection_object=inspection_object)
    assert change.changes == {"supervision.DEPA": [None, "claimed"]}
    assert AuditEvent.objects.get(action="inspection_object.claim").details == {
        "department": "DEPA",
        "status": "claimed",
    }


def test_claim_on_an_object_another_department_supervises_is_disputed(staff_b, object_a):  # noqa: F811
    supervision = object_claim(inspection_object=object_a, claimed_by=staff_b)
    assert supervision.status == ObjectSupervision.Status.DISPUTED
    # the claim does not open the object to department B until the office keeps it
    assert not objects_visible_to(staff_b).filter(pk=object_a.pk).exists()


def test_claiming_twice_is_refused(staff_a, staff_b, object_a):  # noqa: F811
    with pytest.raises(ValidationError, match="已认领"):
        object_claim(inspection_object=object_a, claimed_by=staff_a)
    object_claim(inspection_object=object_a, claimed_by=staff_b)
    with pytest.raises(ValidationError, match="等待联席办确认"):
        object_claim(inspection_object=object_a, claimed_by=staff_b)


def test_office_and_readers_cannot_claim(office_admin, inspector_a):
    inspection_object = make_object()
    for user in (office_admin, inspector_a):
        with pytest.raises(PermissionDenied):
            object_claim(inspection_object=inspection_object, claimed_by=user)

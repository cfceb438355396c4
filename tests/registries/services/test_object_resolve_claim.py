"""object_resolve_claim: the office keeps (joint supervision) or removes a disputed claim."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.models import ObjectChange, ObjectSupervision
from registries.objects.services import object_resolve_claim
from registries.permissions import objects_visible_to
from tests.registries.object_factories import make_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(department_a, department_b):
    inspection_object = make_object(departments=[department_a], disputed=[department_b])
    return inspection_object.supervisions.get(department=department_b)


def test_keep_makes_both_departments_supervise(office_admin, staff_b, dispute):
    kept = object_resolve_claim(
        supervision=dispute, decision="keep", resolved_by=office_admin, reason="共同监管"
    )
    assert kept.status == ObjectSupervision.Status.CLAIMED
    assert objects_visible_to(staff_b).filter(pk=dispute.inspection_object_id).exists()
    change = ObjectChange.objects.get(inspection_object_id=dispute.inspection_object_id)
    assert change.changes["supervision.DEPB"] == ["disputed", "claimed"]
    assert (
        AuditEvent.objects.get(action="inspection_object.resolve_claim").details["decision"]
        == "keep"
    )


def test_remove_drops_the_claim(office_admin, dispute):
    assert (
        object_resolve_claim(supervision=dispute, decision="remove", resolved_by=office_admin)
        is None
    )
    assert not ObjectSupervision.objects.filter(pk=dispute.pk).exists()


def test_only_the_office_resolves(dept_admin_a, staff_b, dispute):
    for user in (dept_admin_a, staff_b):
        with pytest.raises(PermissionDenied):
            object_resolve_claim(supervision=dispute, decision="keep", resolved_by=user)


def test_settled_claims_and_bad_decisions_are_refused(office_admin, department_a, dispute):
    with pytest.raises(ValidationError):
        object_resolve_claim(supervision=dispute, decision="maybe", resolved_by=office_admin)
    settled = dispute.inspection_object.supervisions.get(department=department_a)
    with pytest.raises(ValidationError):
        object_resolve_claim(supervision=settled, decision="remove", resolved_by=office_admin)

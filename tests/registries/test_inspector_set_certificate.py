"""services.inspectors.inspector_set_certificate"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.inspectors.services.inspectors import inspector_set_certificate
from tests.registries.test_inspector_fixtures import days, make_inspector


def test_renewal_updates_dates_and_is_audited(dept_admin_a, department_a):
    inspector = make_inspector(department_a, certificate_valid_until=days(3))
    inspector = inspector_set_certificate(
        inspector=inspector,
        changed_by=dept_admin_a,
        certificate_number="ZJ-NEW-1",
        certificate_valid_from=days(0),
        certificate_valid_until=days(6 * 365),
    )
    assert inspector.certificate_valid_until == days(6 * 365)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "inspector.certificate"
    assert "certificate_number" in event.details["changes"]


def test_removing_the_certificate_removes_le(staff_a, department_a):
    inspector = make_inspector(department_a, tags=["FOOD", "LE"])
    inspector = inspector_set_certificate(
        inspector=inspector,
        changed_by=staff_a,
        certificate_number="",
        certificate_valid_from=None,
        certificate_valid_until=None,
    )
    assert inspector.tags == ["FOOD"]
    assert inspector.certificate_valid_until is None


def test_adding_a_certificate_adds_le(staff_a, department_a):
    inspector = make_inspector(
        department_a, certificate_number="", tags=["FOOD"], certificate_valid_until=None
    )
    inspector = inspector_set_certificate(
        inspector=inspector,
        changed_by=staff_a,
        certificate_number="ZJ7",
        certificate_valid_from=None,
        certificate_valid_until=days(90),
    )
    assert inspector.tags == ["FOOD", "LE"]


def test_dates_without_number_are_refused(staff_a, department_a):
    inspector = make_inspector(department_a)
    with pytest.raises(ValidationError):
        inspector_set_certificate(
            inspector=inspector,
            changed_by=staff_a,
            certificate_number="",
            certificate_valid_from=None,
            certificate_valid_until=days(9),
        )


def test_keeping_the_same_number_is_allowed(staff_a, department_a):
    inspector = make_inspector(department_a, certificate_number="ZJ55")
    inspector = inspector_set_certificate(
        inspector=inspector,
        changed_by=staff_a,
        certificate_number="ZJ55",
        certificate_valid_from=None,
        certificate_valid_until=days(400),
    )
    assert inspector.certificate_valid_until == days(400)


def test_other_department_cannot_set_certificate(staff_b, department_a):
    inspector = make_inspector(department_a)
    with pytest.raises(PermissionDenied):
        inspector_set_certificate(
            inspector=inspector,
            changed_by=staff_b,
            certificate_number="X",
            certificate_valid_from=None,
            certificate_valid_until=days(9),
        )

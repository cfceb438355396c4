"""services.inspectors.inspector_update: profile fields and status with dates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.choices import InspectorStatus
from registries.inspectors.selectors import inspector_status_history
from registries.inspectors.services.inspectors import inspector_update
from tests.registries.test_inspector_fixtures import days, make_inspector


@pytest.fixture
def inspector(department_a):
    return make_inspector(department_a, tags=["LE", "FOOD"])


def _actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_profile_change_is_recorded_with_before_and_after(staff_a, inspector):
    inspector_update(inspector=inspector, updated_by=staff_a, post="科长", grid="330102-05")
    inspector.refresh_from_db()
    assert (inspector.post, inspector.grid) == ("科长", "330102-05")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "inspector.update"
    assert event.details["changes"]["post"] == ["执法科员", "科长"]


def test_unchanged_values_record_nothing(staff_a, inspector):
    before = AuditEvent.objects.count()
    inspector_update(inspector=inspector, updated_by=staff_a, post=inspector.post)
    assert AuditEvent.objects.count() == before


def test_tags_keep_le_while_certificate_exists(staff_a, inspector):
    inspector = inspector_update(inspector=inspector, updated_by=staff_a, tags=["drug"])
    assert inspector.tags == ["DRUG", "LE"]


def test_leave_needs_a_start_and_a_coherent_end(staff_a, inspector):
    with pytest.raises(ValidationError):
        inspector_update(inspector=inspector, updated_by=staff_a, status=InspectorStatus.ON_LEAVE)
    with pytest.raises(ValidationError):
        inspector_update(
            inspector=inspector,
            updated_by=staff_a,
            status=InspectorStatus.ON_LEAVE,
            status_since=days(5),
            status_until=days(1),
        )


def test_leave_and_return_are_a_status_history(staff_a, inspector):
    inspector_update(
        inspector=inspector,
        updated_by=staff_a,
        status=InspectorStatus.ON_LEAVE,
        status_since=days(1),
        status_until=days(20),
    )
    inspector.refresh_from_db()
    assert (inspector.status_since, inspector.status_until) == (days(1), days(20))
    inspector_update(inspector=inspector, updated_by=staff_a, status=InspectorStatus.ACTIVE)
    inspector.refresh_from_db()
    assert inspector.status == InspectorStatus.ACTIVE
    assert inspector.status_until is None
    assert _actions()[-2:] == ["inspector.status", "inspector.status"]
    history = inspector_status_history(inspector)
    assert [row["to"] for row in history] == ["active", "on_leave"]


@pytest.mark.parametrize("final", [InspectorStatus.TRANSFERRED, InspectorStatus.RETIRED])
def test_transferred_and_retired_are_final(staff_a, inspector, final):
    inspector_update(inspector=inspector, updated_by=staff_a, status=final, status_since=days(-1))
    inspector.refresh_from_db()
    assert inspector.status == final
    with pytest.raises(ValidationError):
        inspector_update(inspector=inspector, updated_by=staff_a, status=InspectorStatus.ACTIVE)


def test_active_takes_no_end_date(staff_a, inspector):
    with pytest.raises(ValidationError):
        inspector_update(
            inspector=inspector,
            updated_by=staff_a,
            status=InspectorStatus.ACTIVE,
            status_until=days(3),
        )


def test_other_department_cannot_update(staff_b, inspector):
    with pytest.raises(PermissionDenied):
        inspector_update(inspector=inspector, updated_by=staff_b, post="科长")


def test_unknown_fields_are_refused(staff_a, inspector):
    with pytest.raises(ValidationError):
        inspector_update(inspector=inspector, updated_by=staff_a, code="DEPA-0001")


def test_office_admin_updates_any_department(office_admin, inspector):
    assert inspector_update(inspector=inspector, updated_by=office_admin, max_load=5).max_load == 5

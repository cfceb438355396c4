"""services.recusals.recusal_confirm / recusal_reject"""
# ruff: noqa: F811 (fixtures imported from test_inspector_fixtures are redefined as arguments)

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.choices import RecusalStatus
from registries.drawable import conflict_pairs
from registries.inspectors.services.recusals import recusal_confirm, recusal_declare, recusal_reject
from registries.models import InspectionObject
from tests.registries.test_inspector_fixtures import inspector_record_a, object_a  # noqa: F401


@pytest.fixture
def pending(staff_a, inspector_record_a, object_a):
    return recusal_declare(
        inspector=inspector_record_a,
        inspection_object=object_a,
        reason="relative",
        note="",
        declared_by=staff_a,
    )


def _pairs(recusal):
    return list(
        conflict_pairs(
            inspector_codes=[recusal.inspector.code], objects=InspectionObject.objects.all()
        )
    )


def test_department_admin_confirms_and_the_pair_enters_the_conflict_file(dept_admin_a, pending):
    assert _pairs(pending) == []
    recusal = recusal_confirm(recusal=pending, decided_by=dept_admin_a, note="属实")
    assert (recusal.status, recusal.decided_by, recusal.decision_note) == (
        RecusalStatus.CONFIRMED,
        dept_admin_a,
        "属实",
    )
    assert recusal.decided_at is not None
    assert AuditEvent.objects.order_by("-seq").first().action == "recusal.confirm"
    assert _pairs(pending) == [(pending.inspector.code, pending.inspection_object.code)]


def test_office_admin_may_confirm(office_admin, pending):
    assert (
        recusal_confirm(recusal=pending, decided_by=office_admin).status == RecusalStatus.CONFIRMED
    )


@pytest.mark.parametrize("persona", ["staff_a", "liaison_a", "inspector_a", "dept_admin_b"])
def test_others_cannot_decide(request, persona, pending):
    with pytest.raises(PermissionDenied):
        recusal_confirm(recusal=pending, decided_by=request.getfixturevalue(persona))
    with pytest.raises(PermissionDenied):
        recusal_reject(recusal=pending, decided_by=request.getfixturevalue(persona), note="x")


def test_rejection_needs_a_reason_and_keeps_the_pair_out(dept_admin_a, pending):
    with pytest.raises(ValidationError):
        recusal_reject(recusal=pending, decided_by=dept_admin_a, note=" ")
    recusal = recusal_reject(recusal=pending, decided_by=dept_admin_a, note="关系已终止")
    assert recusal.status == RecusalStatus.REJECTED
    assert AuditEvent.objects.order_by("-seq").first().action == "recusal.reject"
    assert _pairs(pending) == []


def test_a_decision_is_final(dept_admin_a, pending):
    recusal_confirm(recusal=pending, decided_by=dept_admin_a)
    with pytest.raises(ValidationError):
        recusal_reject(recusal=pending, decided_by=dept_admin_a, note="改主意")
    with pytest.raises(ValidationError):
        recusal_confirm(recusal=pending, decided_by=dept_admin_a)

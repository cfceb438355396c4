"""services.recusals.recusal_declare"""
# ruff: noqa: F811 (fixtures imported from test_inspector_fixtures are redefined as arguments)

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from registries.choices import RecusalReason, RecusalStatus
from registries.inspectors.services.recusals import recusal_declare, recusal_reject
from tests.registries.test_inspector_fixtures import (  # noqa: F401
    inspector_record_a,
    inspector_record_b,
    make_object,
    object_a,
)


def _declare(by, inspector, inspection_object, reason=RecusalReason.RELATIVE, note="配偶系股东"):
    return recusal_declare(
        inspector=inspector,
        inspection_object=inspection_object,
        reason=reason,
        note=note,
        declared_by=by,
    )


def test_inspector_declares_for_themselves(inspector_a, inspector_record_a, object_a):
    recusal = _declare(inspector_a, inspector_record_a, object_a)
    assert recusal.status == RecusalStatus.DECLARED
    assert recusal.declared_by == inspector_a
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "recusal.declare"
    assert event.details["inspector"] == inspector_record_a.code


def test_staff_declares_on_behalf(staff_a, inspector_record_a, object_a):
    assert _declare(staff_a, inspector_record_a, object_a).declared_by == staff_a


def test_inspector_cannot_declare_for_a_colleague(inspector_a, department_a, object_a):
    from tests.registries.test_inspector_fixtures import make_inspector

    colleague = make_inspector(department_a)
    with pytest.raises(PermissionDenied):
        _declare(inspector_a, colleague, object_a)


def test_other_department_cannot_declare(staff_b, inspector_record_a, object_a):
    with pytest.raises(PermissionDenied):
        _declare(staff_b, inspector_record_a, object_a)


def test_object_of_another_department_may_be_declared(staff_a, inspector_record_a, department_b):
    """A relative's shop may be supervised by another department: the conflict still counts."""
    foreign = make_object(department=department_b)
    assert _declare(staff_a, inspector_record_a, foreign).inspection_object == foreign


def test_duplicate_pending_declaration_is_refused(staff_a, inspector_record_a, object_a):
    _declare(staff_a, inspector_record_a, object_a)
    with pytest.raises(ValidationError):
        _declare(staff_a, inspector_record_a, object_a)


def test_rejected_declaration_can_be_declared_again(
    staff_a, dept_admin_a, inspector_record_a, object_a
):
    first = _declare(staff_a, inspector_record_a, object_a)
    recusal_reject(recusal=first, decided_by=dept_admin_a, note="不构成回避情形")
    again = _declare(
        staff_a, inspector_record_a, object_a, reason=RecusalReason.FORMER_EMPLOYER, note="新情况"
    )
    assert again.pk == first.pk
    assert (again.status, again.reason, again.decided_by) == (
        RecusalStatus.DECLARED,
        RecusalReason.FORMER_EMPLOYER,
        None,
    )
    assert AuditEvent.objects.order_by("-seq").first().details["redeclared"] is True


def test_unknown_reason_is_refused(staff_a, inspector_record_a, object_a):
    with pytest.raises(ValidationError):
        _declare(staff_a, inspector_record_a, object_a, reason="whim")

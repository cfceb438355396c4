"""object_clear_flag: taking an object off a special list needs a reason and is kept in history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from registries.models import ObjectChange
from registries.objects.services import object_clear_flag
from tests.registries.object_factories import make_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(department_a):
    return make_object(
        departments=[department_a],
        anomaly_since=timezone.localdate(),
        anomaly_source="临江市西湖区市场监督管理局",
    )


def test_clear_flag_keeps_the_old_values_in_history(staff_a, flagged):
    object_clear_flag(
        inspection_object=flagged, flag="anomaly", cleared_by=staff_a, reason="已补报年度报告"
    )
    flagged.refresh_from_db()
    assert flagged.anomaly_since is None
    assert flagged.anomaly_source == ""
    change = ObjectChange.objects.get(inspection_object=flagged)
    assert change.changes["anomaly_source"] == ["临江市西湖区市场监督管理局", ""]
    assert change.changes["clear_reason"] == [None, "已补报年度报告"]
    assert (
        AuditEvent.objects.get(action="inspection_object.flag_clear").details["reason"]
        == "已补报年度报告"
    )


def test_reason_is_required(staff_a, flagged):
    with pytest.raises(ValidationError):
        object_clear_flag(inspection_object=flagged, flag="anomaly", cleared_by=staff_a, reason="")


def test_clearing_a_list_the_object_is_not_on_is_refused(staff_a, flagged):
    with pytest.raises(ValidationError):
        object_clear_flag(
            inspection_object=flagged, flag="serious_violation", cleared_by=staff_a, reason="x"
        )


def test_other_department_cannot_clear(staff_b, flagged):
    with pytest.raises(PermissionDenied):
        object_clear_flag(inspection_object=flagged, flag="anomaly", cleared_by=staff_b, reason="x")

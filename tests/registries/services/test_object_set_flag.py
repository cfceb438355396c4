"""object_set_flag: special lists with their date and source."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from registries.choices import SpecialList
from registries.models import ObjectChange
from registries.objects.services import object_set_flag
from registries.scopes import special_lists_of
from tests.registries.object_factories import object_a  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("flag", "date_field", "source_field"),
    [
        (SpecialList.ANOMALY, "anomaly_since", "anomaly_source"),
        (SpecialList.SERIOUS_VIOLATION, "serious_violation_since", "serious_violation_source"),
        (SpecialList.PENALISED, "penalised_at", "penalised_source"),
        (SpecialList.GROUP_COMPLAINT, "group_complaint_at", "group_complaint_source"),
    ],
)
def test_set_flag_stores_date_and_source(staff_a, object_a, flag, date_field, source_field):  # noqa: F811
    since = timezone.localdate() - timedelta(days=30)
    object_set_flag(
        inspection_object=object_a,
        flag=flag,
        since=since,
        source="临江市市场监督管理局",
        set_by=staff_a,
    )
    object_a.refresh_from_db()
    assert getattr(object_a, date_field) == since
    assert getattr(object_a, source_field) == "临江市市场监督管理局"
    assert flag in special_lists_of(object_a)
    change = ObjectChange.objects.get(inspection_object=object_a)
    assert change.source == "flag"
    assert change.changes[date_field] == [None, since.isoformat()]
    assert AuditEvent.objects.get(action="inspection_object.flag_set").details["flag"] == flag


def test_old_penalty_is_recorded_but_not_current(staff_a, object_a):  # noqa: F811
    since = timezone.localdate() - timedelta(days=4 * 365)
    object_set_flag(
        inspection_object=object_a,
        flag="penalised",
        since=since,
        source="处罚决定书",
        set_by=staff_a,
    )
    object_a.refresh_from_db()
    assert object_a.penalised_at == since
    assert SpecialList.PENALISED not in special_lists_of(object_a)


def test_source_and_past_date_are_required(staff_a, object_a):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        object_set_flag(
            inspection_object=object_a,
            flag="anomaly",
            since=timezone.localdate(),
            source=" ",
            set_by=staff_a,
        )
    assert "source" in error.value.message_dict
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        object_set_flag(
            inspection_object=object_a, flag="anomaly", since=tomorrow, source="x", set_by=staff_a
        )
    assert "since" in error.value.message_dict


def test_unknown_list_is_refused(staff_a, object_a):  # noqa: F811
    with pytest.raises(ValidationError):
        object_set_flag(
            inspection_object=object_a,
            flag="blacklist",
            since=timezone.localdate(),
            source="x",
            set_by=staff_a,
        )


def test_other_department_cannot_flag(staff_b, object_a):  # noqa: F811
    with pytest.raises(PermissionDenied):
        object_set_flag(
            inspection_object=object_a,
            flag="anomaly",
            since=timezone.localdate(),
            source="x",
            set_by=staff_b,
        )

"""Submission locks the items; lateness is decided on the Asia/Shanghai calendar day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from plans import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def drafted(plan_year, liaison_a, department_a, general_matter, make_item):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    return plan_year


def test_submitting_at_23_59_on_the_deadline_day_is_on_time(drafted, liaison_a, department_a):
    with time_machine.travel(
        datetime.datetime(2026, 11, 30, 23, 59, 30, tzinfo=SHANGHAI), tick=False
    ):
        submission = services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_a
        )
    assert submission.is_late is False
    assert submission.events.get().is_late is False


def test_submitting_the_next_day_is_flagged_late_not_refused(drafted, liaison_a, department_a):
    # 00:00:30 on 1 December in Shanghai is still 30 November in UTC: the local day decides
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 0, 30, tzinfo=SHANGHAI), tick=False):
        submission = services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_a
        )
    assert submission.status == "submitted"
    assert submission.is_late is True
    assert AuditEvent.objects.get(action="plan_department.submit").details["late"] is True


def test_submission_locks_items_and_counts(drafted, liaison_a, department_a):
    submission = services.plan_department_submit(
        plan_year=drafted, department=department_a, submitted_by=liaison_a
    )
    assert set(drafted.items.values_list("status", flat=True)) == {"submitted"}
    assert submission.submission_count == 1
    with pytest.raises(ValidationError):
        services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_a
        )


def test_resubmission_after_a_return_is_tracked_and_keeps_the_first_flag(
    drafted, liaison_a, office_admin, department_a
):
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_a
        )
        services.plan_department_return(
            plan_year=drafted, department=department_a, returned_by=office_admin, reason="比例"
        )
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        submission = services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_a
        )
    assert submission.submission_count == 2
    assert submission.is_late is False
    assert [(event.action, event.is_late) for event in submission.events.all()] == [
        ("submitted", False),
        ("returned", False),
        ("submitted", True),
    ]


def test_staff_cannot_submit_and_nor_can_another_departments_liaison(
    drafted, staff_a, department_a, liaison_b
):
    with pytest.raises(PermissionDenied):
        services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=staff_a
        )
    with pytest.raises(PermissionDenied):
        services.plan_department_submit(
            plan_year=drafted, department=department_a, submitted_by=liaison_b
        )


def test_an_empty_report_is_refused(plan_year, liaison_a, department_a):
    with pytest.raises(ValidationError):
        services.plan_department_submit(
            plan_year=plan_year, department=department_a, submitted_by=liaison_a
        )

"""Follow-up measures are tracked to closure with dates; nothing closes without an outcome."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from publication.calendar import add_working_days
from tasks.inspections.choices import MeasureKind, MeasureStatus, ResultCategory
from tasks.inspections.selectors import MeasureFilters, measure_list, notifications_to_acknowledge
from tasks.inspections.services.followups import (
    measure_acknowledge,
    measure_add,
    measure_close,
    measure_recheck,
)
from tasks.inspections.services.results import (
    result_approve,
    result_compile,
    result_submit,
    submission_problems,
)
from tests.tasks.inspections.builders import fill_record, record_of

pytestmark = pytest.mark.django_db


def _rectify(started, department, **kwargs):
    return measure_add(
        result=started.first().result,
        added_by=started.leader,
        kind=MeasureKind.RECTIFY,
        department=department,
        description="价格标签不规范，责令整改",
        **kwargs,
    )


def test_rectification_gets_a_working_day_deadline_by_default(started, department_a):
    measure = _rectify(started, department_a)
    expected = add_working_days(timezone.localdate(), 15)  # the rectification rule's default
    assert measure.deadline_on == expected


def test_rectification_closes_only_after_recheck_and_with_an_outcome(started, department_a):
    measure = _rectify(started, department_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        measure_close(measure=measure, closed_by=started.leader, outcome="已整改", outcome_on=today)
    measure_recheck(
        measure=measure, rechecked_by=started.leader, recheck_on=today, note="已更换标签"
    )
    with pytest.raises(ValidationError):
        measure_close(measure=measure, closed_by=started.leader, outcome="  ", outcome_on=today)
    measure = measure_close(
        measure=measure, closed_by=started.leader, outcome="复查合格，已整改到位", outcome_on=today
    )
    assert measure.status == MeasureStatus.CLOSED and measure.closed_at is not None


def test_other_departments_cannot_handle_a_measure(started, department_a, staff_b):
    measure = _rectify(started, department_a)
    with pytest.raises(PermissionDenied):
        measure_recheck(
            measure=measure,
            rechecked_by=started.member_b,
            recheck_on=timezone.localdate(),
            note="x",
        )
    with pytest.raises(PermissionDenied):
        measure_close(
            measure=measure, closed_by=staff_b, outcome="x", outcome_on=timezone.localdate()
        )


def test_group_member_registers_measures_for_their_own_department_only(
    started, department_a, department_b
):
    result = started.first().result
    measure_add(
        result=result,
        added_by=started.member_b,
        kind=MeasureKind.HANDOVER,
        department=department_b,
        description="停业，移交日常监管",
    )
    with pytest.raises(PermissionDenied):
        measure_add(
            result=result,
            added_by=started.member_b,
            kind=MeasureKind.HANDOVER,
            department=department_a,
            description="x",
        )


def test_notification_is_seen_and_acknowledged_by_the_notified_department(
    started, department_a, department_b, staff_b
):
    from tests.accounts.factories import DepartmentFactory, UserFactory

    department_c = DepartmentFactory(code="DEPC", name="丙部门")
    staff_c = UserFactory(username="staff_c", department=department_c, roles=["staff"])
    measure = measure_add(
        result=started.first().result,
        added_by=started.leader,
        kind=MeasureKind.NOTIFY,
        department=department_a,
        notified_department=department_c,
        description="发现无证经营，属丙部门职责",
    )
    assert measure in notifications_to_acknowledge(staff_c)
    with pytest.raises(PermissionDenied):
        measure_acknowledge(measure=measure, acknowledged_by=staff_b)
    with pytest.raises(ValidationError):
        measure_close(
            measure=measure,
            closed_by=started.leader,
            outcome="已抄告",
            outcome_on=timezone.localdate(),
        )
    measure_acknowledge(measure=measure, acknowledged_by=staff_c, note="已收到，将立案调查")
    assert measure not in notifications_to_acknowledge(staff_c)
    measure = measure_close(
        measure=measure,
        closed_by=started.leader,
        outcome="丙部门已签收并立案",
        outcome_on=timezone.localdate(),
    )
    assert measure.status == MeasureStatus.CLOSED


def test_transfers_name_the_receiving_body(started, department_a):
    with pytest.raises(ValidationError):
        measure_add(
            result=started.first().result,
            added_by=started.leader,
            kind=MeasureKind.JUDICIAL,
            department=department_a,
            description="涉嫌生产销售伪劣产品罪",
        )


def test_measures_past_their_deadline_are_overdue(started, department_a, staff_a):
    measure = _rectify(started, department_a, deadline_on=timezone.localdate() + timedelta(days=3))
    assert not measure_list(staff_a, MeasureFilters(overdue=True)).exists()
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert list(measure_list(staff_a, MeasureFilters(overdue=True))) == [measure]


def test_problems_need_measures_before_submission(started, department_a, department_b):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader, answer="不符合")
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=inspection.result,
        compiled_by=started.leader,
        categories=[ResultCategory.RECTIFIED],
        completed_on=timezone.localdate(),
    )
    problems = submission_problems(result)
    assert any("后续处置" in p for p in problems)
    _rectify(started, department_a)
    assert submission_problems(result) == []
    result_submit(result=result, submitted_by=started.leader)


def test_a_clean_result_cannot_hide_a_recorded_problem(started, department_a, department_b):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader, answer="不符合")
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=inspection.result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        result_submit(result=result, submitted_by=started.leader)


def test_department_staff_follow_up_after_approval(
    started, department_a, department_b, staff_a, staff_b
):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader)
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=inspection.result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        measure_add(
            result=result,
            added_by=staff_b,
            kind=MeasureKind.HANDOVER,
            department=department_b,
            description="x",
        )
    result = result_submit(result=result, submitted_by=started.leader)
    with pytest.raises(ValidationError):
        measure_add(
            result=result,
            added_by=started.leader,
            kind=MeasureKind.HANDOVER,
            department=department_a,
            description="待审核期间",
        )
    result = result_approve(result=result, approved_by=staff_a)
    measure = measure_add(
        result=result,
        added_by=staff_b,
        kind=MeasureKind.HANDOVER,
        department=department_b,
        description="后续发现停业，移交日常监管",
    )
    assert measure.department == department_b

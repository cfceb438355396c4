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


def test_a_notification_reaches_the_liaisons_inbox_and_is_acknowledged_on_page_and_api(
    started, department_a, staff_b, office_admin, client, api_client_for
):
    from django.urls import reverse

    from accounts.liaisons import department_set_liaison
    from accounts.models import AuditEvent, Notification
    from tests.accounts.factories import DepartmentFactory, UserFactory

    department_c = DepartmentFactory(code="DEPC", name="丙部门")
    liaison_c = UserFactory(username="liaison_c", department=department_c, roles=["liaison"])
    UserFactory(username="staff_c", department=department_c, roles=["staff"])
    department_set_liaison(department=department_c, liaison=liaison_c, set_by=office_admin)

    def notify_c(text):
        return measure_add(
            result=started.first().result,
            added_by=started.leader,
            kind=MeasureKind.NOTIFY,
            department=department_a,
            notified_department=department_c,
            description=text,
        )

    measure = notify_c("发现无证经营，属丙部门职责")
    notice = Notification.objects.get(kind="inspections.measure_notified")
    assert notice.recipient == liaison_c  # the designated liaison, not every account
    assert notice.department == department_c
    assert notice.url == reverse("inspections:measure_detail", args=[measure.pk])
    # another department neither acknowledges through the API nor the page
    response = api_client_for(staff_b).post(
        f"/api/v1/inspections/measures/{measure.pk}/acknowledge/", {"note": "x"}, format="json"
    )
    assert response.status_code in (403, 404)
    client.force_login(liaison_c)
    page = client.get(notice.url)
    assert page.status_code == 200 and "签收" in page.content.decode()
    response = client.post(
        reverse("inspections:measure_acknowledge", args=[measure.pk]), {"note": "已收到，将立案"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.acknowledged_by == liaison_c and measure.acknowledgement_note == "已收到，将立案"
    assert AuditEvent.objects.filter(
        action="measure.acknowledge", target_id=str(measure.pk)
    ).exists()
    back = Notification.objects.get(kind="inspections.measure_acknowledged")
    assert back.recipient == started.leader
    # twice is refused, and the API acknowledges a second notification
    api = api_client_for(liaison_c)
    again = api.post(f"/api/v1/inspections/measures/{measure.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 400
    second = notify_c("另一项问题")
    response = api.post(
        f"/api/v1/inspections/measures/{second.pk}/acknowledge/", {"note": "收到"}, format="json"
    )
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    # nothing closes without an outcome, and only the notifying department closes it
    with pytest.raises(PermissionDenied):
        measure_close(
            measure=second, closed_by=liaison_c, outcome="已处理", outcome_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        measure_close(
            measure=second, closed_by=started.leader, outcome="", outcome_on=timezone.localdate()
        )

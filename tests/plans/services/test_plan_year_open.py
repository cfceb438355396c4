import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.inbox.selectors import notification_list_for
from accounts.models import AuditEvent, Notification
from plans import services
from plans.models import DepartmentSubmission


def test_open_uses_the_rule_deadlines_and_creates_one_submission_per_department(
    plan_year, department_a, department_b
):
    assert plan_year.submission_deadline == datetime.date(2026, 11, 30)
    assert plan_year.approval_deadline == datetime.date(2026, 12, 31)
    assert plan_year.status == "collecting"
    assert set(
        DepartmentSubmission.objects.filter(plan_year=plan_year).values_list(
            "department__code", flat=True
        )
    ) == {"DEPA", "DEPB"}
    assert AuditEvent.objects.filter(action="plan_year.open", target_id=str(plan_year.pk)).exists()


@pytest.mark.usefixtures("transactional_db")
def test_open_notifies_every_liaison_in_the_platform_and_by_mail(
    office_admin, liaison_a, staff_a, department_b
):
    plan_year = services.plan_year_open(year=2027, opened_by=office_admin)
    assert list(
        notification_list_for(liaison_a, unread_only=True).values_list("title", flat=True)
    ) == ["2027 年度抽查计划开始报送"]
    assert not notification_list_for(staff_a).exists()
    assert "/plans/2027/" in Notification.objects.get(recipient=liaison_a).url
    assert [message.to for message in mail.outbox] == [[liaison_a.email]]
    assert plan_year.pk


def test_deadlines_are_configurable(office_admin):
    plan_year = services.plan_year_open(
        year=2028,
        opened_by=office_admin,
        submission_deadline=datetime.date(2027, 11, 20),
        approval_deadline=datetime.date(2027, 12, 20),
    )
    assert plan_year.submission_deadline == datetime.date(2027, 11, 20)
    with pytest.raises(ValidationError):
        services.plan_year_open(
            year=2029,
            opened_by=office_admin,
            submission_deadline=datetime.date(2028, 12, 30),
            approval_deadline=datetime.date(2028, 12, 1),
        )


def test_a_year_opens_once(plan_year, office_admin):
    with pytest.raises(ValidationError):
        services.plan_year_open(year=2027, opened_by=office_admin)


@pytest.mark.parametrize("persona", ["dept_admin_a", "liaison_a", "staff_a"])
def test_only_office_admins_open(request, persona):
    with pytest.raises(PermissionDenied):
        services.plan_year_open(year=2030, opened_by=request.getfixturevalue(persona))

"""The beat sweep: states follow today's date, yellow and red cards reach the responsible users
(or the department's liaison), overdue items are escalated to the department's admins and the
office in one digest; twice = notified once; after downtime it catches up."""

from datetime import date

import pytest
import time_machine

from accounts.models import AuditEvent, Notification
from publication.deadlines.services import deadline_close, deadline_sweep
from publication.models import Deadline, DeadlineRule
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(liaison_a, staff_a, dept_admin_a, office_admin):
    return {"liaison": liaison_a, "staff": staff_a, "admin": dept_admin_a, "office": office_admin}


def _notices(**filters):
    return sorted(
        (n.recipient.username, n.severity, n.kind)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    )


def test_states_follow_the_date_and_each_card_is_sent_once(open_deadline, people):
    deadline = open_deadline(start=date(2025, 9, 26), responsible=[people["staff"]])
    # due 30 October 2025, yellow from 23 October
    report = deadline_sweep(today=date(2025, 10, 22))
    assert (report.states_changed, report.notifications) == (0, 0)
    assert Deadline.objects.get().state == "open"

    report = deadline_sweep(today=date(2025, 10, 23))
    assert (report.states_changed, report.notified_deadlines) == (1, 1)
    assert _notices() == [("staff_a", "yellow", "deadline.result_entry")]
    notice = Notification.objects.get()
    assert "还剩 5 个工作日" in notice.body and notice.department == deadline.department

    again = deadline_sweep(today=date(2025, 10, 23))
    assert (again.states_changed, again.notified_deadlines, again.notifications) == (0, 0, 0)
    deadline_sweep(today=date(2025, 10, 30))  # the due day: still yellow, nothing new
    assert Notification.objects.count() == 1

    report = deadline_sweep(today=date(2025, 10, 31))
    assert Deadline.objects.get().state == "overdue"
    assert report.escalated == 1
    assert _notices(severity="red") == [
        ("admin_a", "red", "deadline.escalation"),
        ("office_admin", "red", "deadline.escalation"),
        ("staff_a", "red", "deadline.result_entry"),
    ]
    before = Notification.objects.count()
    assert deadline_sweep(today=date(2025, 10, 31)).notifications == 0
    assert deadline_sweep(today=date(2025, 11, 3)).notifications == 0
    assert Notification.objects.count() == before
    assert AuditEvent.objects.filter(action="deadline.sweep").count() == 2


def test_after_downtime_the_sweep_catches_up_with_the_current_card_only(open_deadline, people):
    open_deadline(start=date(2025, 9, 26), responsible=[people["staff"]])
    report = deadline_sweep(today=date(2025, 11, 20))  # beat was down for weeks
    assert report.states_changed == 1
    assert [n[1:] for n in _notices(recipient=people["staff"])] == [
        ("red", "deadline.result_entry")
    ]


def test_without_responsible_users_the_departments_liaison_is_told(open_deadline, people):
    frozen = UserFactory(username="frozen", department=people["staff"].department, is_active=False)
    open_deadline(start=date(2025, 9, 26))
    open_deadline(start=date(2025, 9, 26), responsible=[frozen], title="另一家公司")
    deadline_sweep(today=date(2025, 10, 23))
    assert _notices() == [("liaison_a", "yellow", "deadline.result_entry")]
    digest = Notification.objects.get()
    assert digest.title == "2 项期限临近" and "另一家公司" in digest.body


def test_a_recipients_items_come_as_one_yellow_and_one_red_card_per_sweep(open_deadline, people):
    staff = people["staff"]
    for n in range(3):
        open_deadline(start=date(2025, 9, 26), title=f"临近{n}", responsible=[staff])
    open_deadline(start=date(2025, 9, 1), title="逾期", kind="rectification", responsible=[staff])
    report = deadline_sweep(today=date(2025, 10, 23))
    assert (report.notified_deadlines, report.escalated) == (4, 1)
    cards = {n.severity: n for n in Notification.objects.filter(recipient=staff)}
    assert set(cards) == {"yellow", "red"}
    assert cards["yellow"].title == "3 项期限临近" and cards["yellow"].url == (
        "/deadlines/?state=due_soon"
    )
    assert cards["yellow"].body.count("\n") == 2 and "还剩 5 个工作日" in cards["yellow"].body
    assert cards["red"].title == "已逾期：逾期" and cards["red"].kind == "deadline.rectification"


def test_one_escalation_digest_per_department_lists_its_overdue_items(
    open_deadline, people, department_b, dept_admin_b
):
    for n in range(12):
        open_deadline(start=date(2025, 9, 26), title=f"A{n:02d}")
    open_deadline(start=date(2025, 9, 26), title="B00", department=department_b)
    deadline_sweep(today=date(2025, 11, 3))
    digests = Notification.objects.filter(kind="deadline.escalation").order_by(
        "recipient__username", "department__code"
    )
    assert [(n.recipient.username, n.department.code) for n in digests] == [
        ("admin_a", "DEPA"),
        ("admin_b", "DEPB"),
        ("office_admin", "DEPA"),
        ("office_admin", "DEPB"),
    ]
    digest_a = digests[0]
    assert "12 项" in digest_a.title and "……等共 12 项" in digest_a.body
    assert digest_a.url.startswith("/deadlines/?") and "department=DEPA" in digest_a.url


def test_escalation_can_be_turned_off_per_kind(open_deadline, people):
    DeadlineRule.objects.filter(kind="rectification").update(escalate_overdue=False)
    open_deadline(start=date(2025, 9, 1), kind="rectification", responsible=[people["staff"]])
    report = deadline_sweep(today=date(2025, 11, 3))
    assert report.escalated == 0
    assert _notices() == [("staff_a", "red", "deadline.rectification")]


def test_a_kind_with_repeats_is_reminded_every_n_working_days(open_deadline, people):
    # joint_review: 3 working days, yellow from 2 before, reminded every working day.
    open_deadline(start=date(2025, 9, 26), kind="joint_review", responsible=[people["staff"]])
    # due 30 September (28 September is a make-up Sunday)
    days = [date(2025, 9, 26), date(2025, 9, 28), date(2025, 9, 28), date(2025, 9, 29)]
    counts = [deadline_sweep(today=day).notified_deadlines for day in days]
    assert counts == [0, 1, 0, 1]
    deadline_sweep(today=date(2025, 10, 3))  # a holiday: overdue since 1 October, red once
    assert deadline_sweep(today=date(2025, 10, 8)).notified_deadlines == 0  # still holidays
    assert deadline_sweep(today=date(2025, 10, 9)).notified_deadlines == 1
    assert Deadline.objects.get().reminder_count == 4


def test_the_kinds_filter_sweeps_only_those(open_deadline, people):
    open_deadline(start=date(2025, 9, 26))
    open_deadline(start=date(2025, 9, 26), kind="joint_review", working_days=1)
    deadline_sweep(today=date(2025, 11, 3), kinds=["joint_review"])
    assert list(Deadline.objects.order_by("kind").values_list("kind", "state")) == [
        ("joint_review", "overdue"),
        ("result_entry", "open"),
    ]


def test_a_closed_deadline_is_left_alone(open_deadline, people, subject):
    open_deadline(start=date(2025, 9, 26), subject=subject)
    closed = deadline_close(kind="result_entry", subject=subject, closed_on=date(2025, 10, 20))
    assert closed.state == "met"
    deadline_sweep(today=date(2025, 11, 3))
    assert Deadline.objects.get().state == "met" and not Notification.objects.exists()


def test_the_sweep_job_uses_the_shanghai_date(open_deadline, people):
    from publication.jobs import deadline_sweep_job

    open_deadline(start=date(2025, 9, 26), responsible=[people["staff"]])
    # 22 October 16:30 UTC is already 23 October in Shanghai.
    with time_machine.travel("2025-10-22 16:30:00+00:00", tick=False):
        result = deadline_sweep_job()
    assert result["today"] == "2025-10-23" and result["notified_deadlines"] == 1

"""Joint-review reminders and escalations go through the one inbox: a yellow card to the
reviewing department's liaison, a red one to the office and that department's admins, e-mailed
after the commit; a repeated run the same day notifies nobody twice."""

import pytest
import time_machine
from django.core import mail

from accounts.models import Notification
from tasks.jobs import review_reminders_job
from tasks.models import TaskPolicy
from tasks.services.draws import task_push_to_review

pytestmark = pytest.mark.django_db


def test_reminder_and_escalation_are_inbox_cards_with_mail(
    joint_task,
    staff_a,
    staff_b,
    dept_admin_b,
    office_admin,
    department_b,
    django_capture_on_commit_callbacks,
):
    from tests.accounts.factories import UserFactory

    liaison_b = UserFactory(username="liaison_b", department=department_b, roles=["liaison"])
    TaskPolicy.objects.update_or_create(pk=1, defaults={"escalate_after_working_days": 3})
    with time_machine.travel("2026-03-02 09:00:00+08:00", tick=False):  # a Monday
        task_push_to_review(task=joint_task, pushed_by=staff_a)
    with (
        time_machine.travel("2026-03-03 09:00:00+08:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_reminders_job()
        review_reminders_job()
    reminder = Notification.objects.get(kind="tasks.review_remind")
    assert (reminder.recipient, reminder.severity, reminder.department) == (
        liaison_b,
        "yellow",
        department_b,
    )
    assert [m.to for m in mail.outbox] == [[liaison_b.email]]
    with time_machine.travel("2026-03-05 09:00:00+08:00", tick=False):
        review_reminders_job()
        review_reminders_job()
    escalations = Notification.objects.filter(kind="tasks.review_escalate")
    assert sorted(n.recipient.username for n in escalations) == ["admin_b", "office_admin"]
    assert {n.severity for n in escalations} == {"red"}
    assert not Notification.objects.filter(recipient=staff_b).exists()

"""Joint-review answers are working-day deadlines: reminders (yellow) to the reviewing department's
liaison, the overdue red card and the escalation to its admins and the office, all through the
one inbox and e-mailed after the commit; a repeated run the same day notifies nobody twice. A
completed draw gets its drawn-list publication deadline."""

import pytest
import time_machine
from django.core import mail

from accounts.models import AuditEvent, Notification
from publication.models import Deadline
from publication.site.services import drawn_list_publish
from tasks.jobs import review_reminders_job
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workday_index")]


def _at(day: str):
    return time_machine.travel(f"{day} 09:00:00+08:00", tick=False)


def test_pending_review_is_reminded_daily_then_escalated_once_overdue(
    joint_task,
    staff_a,
    dept_admin_b,
    office_admin,
    department_b,
    django_capture_on_commit_callbacks,
):
    liaison_b = UserFactory(username="liaison_b", department=department_b, roles=["liaison"])
    with _at("2026-03-02"):  # a Monday
        draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
        assert review_reminders_job() == {"reminded": 0, "escalated": 0}
    deadline = Deadline.objects.get(kind="joint_review")
    assert (deadline.department, str(deadline.due_date)) == (department_b, "2026-03-05")
    with _at("2026-03-03"), django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_job() == {"reminded": 1, "escalated": 0}
        assert review_reminders_job() == {"reminded": 0, "escalated": 0}
    reminder = Notification.objects.get()
    assert (reminder.recipient, reminder.severity, reminder.kind) == (
        liaison_b,
        "yellow",
        "deadline.joint_review",
    )
    assert [m.to for m in mail.outbox] == [[liaison_b.email]]
    with _at("2026-03-05"):  # the due day: reminded again, not yet escalated
        assert review_reminders_job() == {"reminded": 1, "escalated": 0}
    with _at("2026-03-06"):
        assert review_reminders_job() == {"reminded": 1, "escalated": 1}
        assert review_reminders_job() == {"reminded": 0, "escalated": 0}
    review = draw.reviews.get()
    assert review.reminder_count == 3 and review.escalated_at is not None
    assert AuditEvent.objects.filter(action="draw.review_escalate").count() == 1
    red = Notification.objects.filter(severity="red").order_by("recipient__username")
    assert [(n.recipient.username, n.kind) for n in red] == [
        ("admin_b", "deadline.escalation"),
        ("liaison_b", "deadline.joint_review"),
        ("office_admin", "deadline.escalation"),
    ]


def test_an_answer_closes_the_deadline_and_a_draw_gets_its_drawn_list_deadline(
    joint_task, staff_a, staff_b, run_on_commit
):
    with _at("2025-09-26"):
        draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
        review_reminders_job()
    with _at("2025-09-30"):
        review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="7")
        run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
        review_reminders_job()
    review_deadline = Deadline.objects.get(kind="joint_review")
    # announced 26 September 2025: due 3 working days later, 30 September (28th is a make-up day)
    assert (str(review_deadline.due_date), review_deadline.state) == ("2025-09-30", "met")
    drawn = Deadline.objects.get(kind="drawn_list_publication")
    assert (str(drawn.start_date), str(drawn.due_date), drawn.state) == (
        "2025-09-30",
        "2025-10-14",
        "open",
    )
    assert drawn.department == joint_task.lead_department
    # the drawn list's publication (the public site's publish step) closes it
    with _at("2025-10-09"):
        drawn_list_publish(draw=draw, published_by=staff_a)
        review_reminders_job()
    drawn.refresh_from_db()
    assert (str(drawn.closed_on), drawn.state) == ("2025-10-09", "met")
    assert Deadline.objects.count() == 2

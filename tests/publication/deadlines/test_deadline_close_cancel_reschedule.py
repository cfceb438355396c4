"""Closing (met or late), cancelling with a reason, rescheduling with a reason; each audited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from publication.deadlines.services import (
    deadline_cancel,
    deadline_close,
    deadline_reschedule,
    deadline_set_responsible,
    deadline_sweep,
)
from publication.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline(open_deadline, subject):
    return open_deadline(start=date(2025, 9, 26), subject=subject)  # due 30 October 2025


@pytest.mark.parametrize(
    ("closed_on", "state"),
    [(date(2025, 10, 30), "met"), (date(2025, 10, 31), "late"), (date(2025, 10, 9), "met")],
)
def test_closing_records_met_or_late_by_the_due_date(deadline, subject, staff_a, closed_on, state):
    closed = deadline_close(
        kind="result_entry", subject=subject, closed_by=staff_a, closed_on=closed_on
    )
    assert (closed.pk, closed.state, closed.closed_on) == (deadline.pk, state, closed_on)
    assert AuditEvent.objects.filter(action="deadline.close", target_id=str(deadline.pk)).exists()
    assert deadline_close(kind="result_entry", subject=subject) is None  # twice is harmless


def test_closing_before_the_start_is_refused(deadline, subject):
    with pytest.raises(ValidationError):
        deadline_close(kind="result_entry", subject=subject, closed_on=date(2025, 9, 1))


def test_a_new_deadline_may_open_once_the_last_one_closed(deadline, subject, open_deadline):
    deadline_close(kind="result_entry", subject=subject, closed_on=date(2025, 10, 10))
    again = open_deadline(start=date(2025, 11, 3), subject=subject)
    assert again.pk != deadline.pk and again.state == "open"
    assert Deadline.objects.filter(subject_id=subject.pk).count() == 2


def test_cancelling_needs_a_reason_and_stops_the_cards(deadline, subject, office_admin):
    with pytest.raises(ValidationError):
        deadline_cancel(kind="result_entry", subject=subject, reason=" ")
    cancelled = deadline_cancel(
        kind="result_entry", subject=subject, reason="抽取作废", cancelled_by=office_admin
    )
    assert cancelled.state == "cancelled" and cancelled.close_note == "抽取作废"
    assert deadline_sweep(today=date(2025, 11, 20)).notified_deadlines == 0


def test_rescheduling_recomputes_and_forgets_the_cards_of_the_old_date(
    deadline, office_admin, staff_a
):
    deadline_sweep(today=date(2025, 11, 3))  # overdue, red sent
    deadline.refresh_from_db()
    assert (deadline.state, deadline.notified_level) == ("overdue", "red")
    import time_machine

    with time_machine.travel("2025-11-03 10:00:00+08:00", tick=False):
        moved = deadline_reschedule(
            deadline=deadline,
            rescheduled_by=office_admin,
            reason="延期：检查对象停业整顿",
            working_days=40,
        )
    assert (moved.due_date, moved.state, moved.notified_level) == (
        date(2025, 11, 27),
        "open",
        "",
    )
    event = AuditEvent.objects.filter(action="deadline.reschedule").get()
    assert event.details["before"]["due_date"] == "2025-10-30"
    with pytest.raises(ValidationError):
        deadline_reschedule(deadline=moved, rescheduled_by=office_admin, reason="")
    deadline_set_responsible(deadline=moved, responsible=[staff_a], set_by=office_admin)
    assert list(moved.responsible.all()) == [staff_a]

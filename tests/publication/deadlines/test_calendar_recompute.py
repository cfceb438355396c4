"""Due dates follow the calendar: an override added, removed or a year imported recomputes the
open deadlines (the job queued after the calendar write commits), and a sweep catches up when the
job never ran."""

from datetime import date

import pytest

from accounts.models import AuditEvent
from publication.calendar import calendar_day_clear, calendar_day_set, calendar_year_import
from publication.deadlines.services import deadline_sweep
from publication.models import Deadline

pytestmark = pytest.mark.django_db


def test_an_added_holiday_moves_the_due_date_and_an_overdue_item_back_to_open(
    open_deadline, office_admin, django_capture_on_commit_callbacks
):
    deadline = open_deadline(start=date(2025, 9, 26))  # due 30 October 2025
    deadline_sweep(today=date(2025, 10, 31))
    assert Deadline.objects.get().state == "overdue"
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=date(2025, 10, 20), kind="holiday", name="临时", set_by=office_admin)
    deadline.refresh_from_db()
    assert deadline.due_date == date(2025, 10, 31)
    assert AuditEvent.objects.filter(action="deadline.recompute").exists()
    deadline_sweep(today=date(2025, 10, 31))
    assert Deadline.objects.get().state == "due_soon"


def test_a_removed_make_up_day_moves_the_due_date_later(
    open_deadline, office_admin, django_capture_on_commit_callbacks
):
    deadline = open_deadline(start=date(2025, 9, 30), working_days=3)  # due 11 October (Sat)
    assert deadline.due_date == date(2025, 10, 11)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_clear(day=date(2025, 10, 11), cleared_by=office_admin)
    deadline.refresh_from_db()
    assert deadline.due_date == date(2025, 10, 13)


def test_importing_a_year_ends_the_fallback_and_moves_dates(
    open_deadline, office_admin, schedule_2027, django_capture_on_commit_callbacks
):
    deadline = open_deadline(start=date(2027, 9, 28), working_days=5)
    assert (deadline.due_date, deadline.uses_fallback) == (date(2027, 10, 5), True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_import(year=2027, text_or_rows=schedule_2027, imported_by=office_admin)
    deadline.refresh_from_db()
    # 1 and 4 October 2027 are now days off, Saturday 9 October a working day.
    assert (deadline.due_date, deadline.uses_fallback) == (date(2027, 10, 7), False)


def test_the_sweep_catches_up_when_the_recompute_job_never_ran(open_deadline, office_admin):
    deadline = open_deadline(start=date(2025, 9, 26))
    calendar_day_set(day=date(2025, 10, 20), kind="holiday", name="临时", set_by=office_admin)
    deadline.refresh_from_db()
    assert deadline.due_date == date(2025, 10, 30)  # no commit, no job
    report = deadline_sweep(today=date(2025, 10, 20))
    deadline.refresh_from_db()
    assert report.index_rebuilt_from == 2025 and deadline.due_date == date(2025, 10, 31)


def test_closed_deadlines_keep_their_dates(open_deadline, office_admin, subject):
    from publication.deadlines.services import deadline_close, deadlines_calendar_sync

    deadline = open_deadline(start=date(2025, 9, 26), subject=subject)
    deadline_close(kind="result_entry", subject=subject, closed_on=date(2025, 10, 29))
    calendar_day_set(day=date(2025, 10, 20), kind="holiday", name="临时", set_by=office_admin)
    deadlines_calendar_sync()
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.state) == (date(2025, 10, 30), "met")


def test_the_recompute_job_is_idempotent(open_deadline, office_admin):
    from publication.jobs import deadlines_calendar_sync_job

    deadline = open_deadline(start=date(2025, 9, 26))
    calendar_day_set(day=date(2025, 10, 20), kind="holiday", name="临时", set_by=office_admin)
    assert deadlines_calendar_sync_job() == 2025
    assert deadlines_calendar_sync_job() is None
    deadline.refresh_from_db()
    assert deadline.due_date == date(2025, 10, 31)
    assert AuditEvent.objects.filter(action="deadline.recompute").count() == 1

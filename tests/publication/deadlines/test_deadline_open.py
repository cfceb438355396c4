"""deadline_open: due dates in working days (holidays and make-up days), the kind's rule, a fixed
date, and a year without official data, which the deadline says it was computed without."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from publication.deadlines.services import deadline_open
from publication.models import Deadline

pytestmark = pytest.mark.django_db


def test_results_are_due_20_working_days_after_an_inspection_ending_before_national_day_2025(
    open_deadline,
):
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are make-up working days.
    deadline = open_deadline(start=date(2025, 9, 26))  # a Friday
    assert deadline.working_days == 20
    assert deadline.due_date == date(2025, 10, 30)  # weekdays only would give 24 October
    assert deadline.uses_fallback is False


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # the make-up Sunday counts
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # across the whole holiday
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # the make-up Saturday counts
        (date(2025, 9, 30), 5, date(2025, 10, 14)),  # a drawn list published within 5 days
        (date(2025, 10, 3), 1, date(2025, 10, 9)),  # a start on a holiday
        (date(2025, 10, 11), 1, date(2025, 10, 13)),  # a start on a make-up day
        (date(2025, 9, 27), 1, date(2025, 9, 28)),  # a start on a Saturday before it
    ],
)
def test_national_day_2025_edges(open_deadline, start, n, due):
    assert open_deadline(start=start, working_days=n).due_date == due


def test_the_drawn_list_kind_defaults_to_5_working_days(open_deadline):
    deadline = open_deadline(start=date(2025, 9, 30), kind="drawn_list_publication")
    assert (deadline.working_days, deadline.due_date) == (5, date(2025, 10, 14))


def test_a_year_without_calendar_data_counts_weekends_only_and_says_so(open_deadline):
    # 2030 has no official schedule: 1 January (a Tuesday) is an ordinary working day there.
    deadline = open_deadline(start=date(2029, 12, 31), working_days=10)
    assert deadline.due_date == date(2030, 1, 14)
    assert deadline.uses_fallback is True
    # A range inside official years does not.
    assert open_deadline(start=date(2025, 3, 3), working_days=10).uses_fallback is False
    # One that only reaches into the fallback year does.
    assert open_deadline(start=date(2026, 12, 25), working_days=10).uses_fallback is True


def test_the_yellow_window_starts_the_rules_number_of_working_days_before_the_due_date(
    open_deadline,
):
    # result_entry: yellow from 5 working days before the due date (30 October 2025).
    deadline = open_deadline(start=date(2025, 9, 26))
    assert deadline.due_soon_from == date(2025, 10, 23)


def test_a_fixed_due_date_is_kept(open_deadline):
    deadline = open_deadline(
        start=date(2025, 9, 1), kind="rectification", due_date=date(2025, 10, 5)
    )
    assert (deadline.working_days, deadline.due_date) == (None, date(2025, 10, 5))
    # 5 October is a holiday: yellow from the working day 3 working days before it.
    assert deadline.due_soon_from == date(2025, 9, 26)


def test_opening_twice_returns_the_open_deadline_and_audits_once(subject, department_a, staff_a):
    kwargs = {
        "kind": "result_entry",
        "subject": subject,
        "department": department_a,
        "start_date": date(2025, 9, 26),
        "title": "检查结果录入",
        "responsible": [staff_a],
        "opened_by": staff_a,
    }
    first = deadline_open(**kwargs)
    second = deadline_open(**kwargs | {"start_date": date(2025, 10, 9)})
    assert first.pk == second.pk and second.due_date == date(2025, 10, 30)
    assert list(first.responsible.all()) == [staff_a]
    assert AuditEvent.objects.filter(action="deadline.open", target_id=str(first.pk)).count() == 1


@pytest.mark.parametrize(
    ("now", "state"),
    [("2025-11-03", "overdue"), ("2025-10-24", "due_soon"), ("2025-10-20", "open")],
)
def test_a_deadline_opened_late_takes_todays_state(subject, department_a, now, state):
    with time_machine.travel(f"{now} 10:00:00+08:00", tick=False):
        deadline = deadline_open(
            kind="result_entry",
            subject=subject,
            department=department_a,
            start_date=date(2025, 9, 26),
            title="补录",
        )
    assert deadline.state == state


@pytest.mark.parametrize(
    "terms",
    [
        {"working_days": 0},
        {"working_days": 251},
        {"working_days": 5, "due_date": date(2025, 10, 1)},
        {"due_date": date(2025, 8, 1)},
        {"kind": "coffee_break"},
        {"title": "  "},
        {"start": date(2150, 1, 1)},
    ],
)
def test_bad_terms_are_refused_with_a_clear_error(open_deadline, terms):
    terms = {"start": date(2025, 9, 1)} | terms
    with pytest.raises(ValidationError) as error:
        open_deadline(**terms)
    assert error.value.messages[0]
    assert not Deadline.objects.exists()

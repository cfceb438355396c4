"""The SQL computation (working-day index join) agrees with the Python calendar, date by date,
over official years (2004–2026), their holidays and make-up days, and fallback years."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publication.calendar import (
    add_working_days_explained,
    uses_fallback,
    working_days_between,
)
from publication.deadlines.services import _compute_one
from publication.deadlines.workdays import workday_index_add, workday_ordinal

pytestmark = pytest.mark.django_db

# Read-only examples: sharing one test transaction between them is safe.
examples = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2031, 12, 31))


@examples
@given(start=starts, n=st.integers(min_value=0, max_value=250))
def test_index_addition_is_the_calendars(start, n):
    assert workday_index_add(start, n) == add_working_days_explained(start, n).date


@examples
@given(a=starts, b=starts)
def test_ordinal_differences_count_working_days(a, b):
    a, b = sorted((a, b))
    assert workday_ordinal(b) - workday_ordinal(a) == working_days_between(a, b)


@examples
@given(
    start=starts,
    n=st.integers(min_value=1, max_value=120),
    window=st.integers(min_value=0, max_value=10),
)
def test_due_date_yellow_window_and_fallback_flag(start, n, window):
    computed = _compute_one(start_date=start, working_days=n, fixed_due_date=None, window=window)
    expected = add_working_days_explained(start, n)
    assert computed.due_date == expected.date
    assert computed.uses_fallback == expected.uses_fallback
    # Yellow from the first day (not before the start) with at most `window` working days left.
    soon = computed.due_soon_from
    assert start <= soon <= computed.due_date
    assert working_days_between(soon, computed.due_date) <= window
    if soon > start:
        assert working_days_between(soon - timedelta(days=1), computed.due_date) > window


@examples
@given(start=starts, days=st.integers(min_value=0, max_value=200))
def test_a_fixed_due_date_is_kept_and_flags_fallback_like_the_calendar(start, days):
    due = start + timedelta(days=days)
    computed = _compute_one(start_date=start, working_days=None, fixed_due_date=due, window=3)
    assert computed.due_date == due
    expected = bool(due > start and uses_fallback(start + timedelta(days=1), due))
    assert computed.uses_fallback == expected

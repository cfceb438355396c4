"""Properties of the working-day arithmetic, over official years (2004–2026) and fallback years."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publication.calendar import (
    add_working_days,
    add_working_days_explained,
    is_working_day,
    working_calendar,
    working_days_between,
)

pytestmark = pytest.mark.django_db

# The database is only read, so sharing one test transaction between examples is safe.
examples = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2031, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@examples
@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_the_result_is_a_working_day_after_the_start(start, n):
    result = add_working_days(start, n)
    assert result > start
    assert is_working_day(result)


@examples
@given(start=starts, n=counts)
def test_between_inverts_add(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@examples
@given(start=starts, n=counts)
def test_add_is_strictly_monotonic_in_n(start, n):
    assert add_working_days(start, n) < add_working_days(start, n + 1)


@examples
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_the_days_skipped_are_exactly_the_days_off(start, n):
    result = add_working_days(start, n)
    between = [start + timedelta(days=i) for i in range(1, (result - start).days)]
    assert sum(1 for day in between if is_working_day(day)) == n - 1


@examples
@given(a=starts, b=starts)
def test_between_is_additive_and_never_negative(a, b):
    calendar = working_calendar()
    low, high = sorted((a, b))
    middle = low + (high - low) // 2
    assert calendar.working_days_between(a, b) >= 0
    assert calendar.working_days_between(low, high) == calendar.working_days_between(
        low, middle
    ) + calendar.working_days_between(middle, high)


@examples
@given(day=st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 31)))
def test_years_without_official_data_are_weekends_only(day):
    assert is_working_day(day) == (day.weekday() < 5)


@examples
@given(start=st.dates(min_value=date(2026, 6, 1), max_value=date(2035, 12, 31)), n=counts)
def test_every_fallback_year_counted_is_reported(start, n):
    result = add_working_days_explained(start, n)
    if n == 0:
        assert result.fallback_years == []
    else:
        first = (start + timedelta(days=1)).year
        expected = [year for year in range(first, result.date.year + 1) if year >= 2027]
        assert result.fallback_years == expected

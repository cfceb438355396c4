"""Working-day arithmetic against the official schedules seeded from chinesecalendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from publication.calendar import (
    CalendarRangeError,
    add_working_days,
    add_working_days_explained,
    calendar_coverage,
    is_working_day,
    uses_fallback,
    working_calendar,
    working_days_between,
    working_days_between_explained,
    year_status,
)

pytestmark = pytest.mark.django_db


# National Day 2025: 1–8 October off (with Mid-Autumn on the 6th); make-up working days
# Sunday 28 September and Saturday 11 October.
def test_national_day_2025_holidays_and_makeup_days():
    assert is_working_day(date(2025, 9, 26))
    assert not is_working_day(date(2025, 9, 27))  # an ordinary Saturday
    assert is_working_day(date(2025, 9, 28))  # Sunday, 调休上班
    for day in range(1, 9):
        assert not is_working_day(date(2025, 10, day))
    assert is_working_day(date(2025, 10, 9))
    assert is_working_day(date(2025, 10, 11))  # Saturday, 调休上班
    assert not is_working_day(date(2025, 10, 12))


def test_twenty_working_days_from_26_september_2025_cross_national_day():
    # Working days after 26 Sep: 28, 29, 30 Sep; 9, 10, 11 (Sat), 13–17, 20–24, 27, 28, 29, 30 Oct.
    # So the 18th is 28 October and the 20th is 30 October.
    assert add_working_days(date(2025, 9, 26), 18) == date(2025, 10, 28)
    assert add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)


def test_the_makeup_days_count_as_the_first_and_sixth_working_day():
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 26), 6) == date(2025, 10, 11)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_working_days_between_counts_after_a_up_to_and_including_b():
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 31)) == 21
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_between_is_zero_when_b_is_not_after_a():
    assert working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert working_days_between(date(2025, 10, 31), date(2025, 10, 9)) == 0


def test_zero_working_days_returns_the_start_even_on_a_holiday():
    assert add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 1)


def test_from_a_holiday_the_first_working_day_is_the_next_one():
    assert add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)


# Spring Festival 2025: 28 January – 4 February off; make-up Sunday 26 January and Saturday 8 February.
def test_spring_festival_2025():
    assert is_working_day(date(2025, 1, 26))
    assert all(not is_working_day(date(2025, 1, day)) for day in range(28, 32))
    assert all(not is_working_day(date(2025, 2, day)) for day in range(1, 5))
    assert is_working_day(date(2025, 2, 8))
    # 27 Jan is the last working day before the break; five working days later: 5, 6, 7, 8 (Sat), 10 Feb.
    assert add_working_days(date(2025, 1, 27), 5) == date(2025, 2, 10)
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 8)) == 6  # 26, 27 Jan; 5–8 Feb


# 2024 make-up days: 4 Feb, 18 Feb (Spring Festival), 7 Apr (Qingming), 28 Apr, 11 May (Labour Day),
# 14 Sep (Mid-Autumn), 29 Sep, 12 Oct (National Day).
@pytest.mark.parametrize(
    "makeup_day",
    [date(2024, 2, 4), date(2024, 2, 18), date(2024, 4, 7), date(2024, 4, 28), date(2024, 5, 11),
     date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12)],
)  # fmt: skip
def test_2024_makeup_days_are_working_days(makeup_day):
    assert makeup_day.weekday() >= 5
    assert is_working_day(makeup_day)


def test_labour_day_2024():
    assert [is_working_day(date(2024, 5, day)) for day in range(1, 6)] == [False] * 5
    assert add_working_days(date(2024, 4, 30), 1) == date(2024, 5, 6)
    assert add_working_days(date(2024, 5, 10), 1) == date(2024, 5, 11)  # Saturday, 调休上班


def test_new_year_crossing_year_boundary():
    # 2025-12-31 (Wed) → 1 Jan 2026 off, 2 and 3 Jan off, 4 Jan (Sun) 调休上班.
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 3  # 31 Dec, 4 and 5 Jan


def test_official_years_report_no_fallback():
    result = add_working_days_explained(date(2025, 9, 26), 20)
    assert result.date == date(2025, 10, 30)
    assert result.fallback_years == []
    assert not result.uses_fallback


def test_a_year_without_official_data_is_weekends_only_and_reported():
    # 2030 is beyond the package: 1 Jan 2030 (Tuesday) is counted as a working day, and said so.
    assert is_working_day(date(2030, 1, 1))
    result = add_working_days_explained(date(2029, 12, 31), 1)
    assert result.date == date(2030, 1, 1)
    assert result.fallback_years == [2030]
    assert add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 7)  # Friday → Monday
    count = working_days_between_explained(date(2030, 1, 1), date(2030, 1, 31))
    assert count.count == 22
    assert count.fallback_years == [2030]
    assert uses_fallback(date(2026, 12, 1), date(2028, 1, 1)) == [2027, 2028]


def test_fallback_years_are_only_those_actually_counted():
    # From 31 Dec 2026 none of 2026's days are counted; 2027 is.
    assert add_working_days_explained(date(2026, 12, 31), 1).fallback_years == [2027]
    assert add_working_days_explained(date(2026, 12, 30), 1).fallback_years == []
    assert add_working_days_explained(date(2030, 5, 5), 0).fallback_years == []


def test_aware_datetimes_are_read_in_shanghai_time():
    # 30 Sep 2025 17:00 UTC is already 1 October in China.
    moment = datetime(2025, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert not is_working_day(moment)
    assert add_working_days(moment, 1) == date(2025, 10, 9)


def test_negative_or_huge_counts_are_refused():
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2025, 1, 1), -1)
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2025, 1, 1), 10**6)
    with pytest.raises(TypeError):
        add_working_days(date(2025, 1, 1), 1.5)


def test_dates_outside_the_supported_years_are_refused():
    with pytest.raises(CalendarRangeError):
        is_working_day(date(1900, 1, 1))
    with pytest.raises(CalendarRangeError):
        working_days_between(date(2025, 1, 1), date(9999, 1, 1))


def test_coverage_defaults_to_this_year_and_next_year_in_shanghai(time_machine):
    # 31 Dec 2025 16:30 UTC is already 1 Jan 2026 in Shanghai.
    time_machine.move_to(datetime(2025, 12, 31, 16, 30, tzinfo=ZoneInfo("UTC")))
    coverage = calendar_coverage()
    assert [item.year for item in coverage] == [2026, 2027]
    assert [item.has_official_data for item in coverage] == [True, False]
    assert coverage[1].status == "fallback"
    assert coverage[1].status_label


def test_year_status_counts_the_seeded_days():
    status = year_status(2025)
    assert status.has_official_data
    assert status.source == "chinesecalendar"
    assert status.makeup_workday_count == 5  # 26 Jan, 8 Feb, 27 Apr, 28 Sep, 11 Oct
    assert status.holiday_count > 20
    assert not year_status(2031).has_official_data


def test_a_list_of_deadlines_needs_no_query_once_the_years_are_cached(django_assert_num_queries):
    starts = [date(2025, 1, 1) + timedelta(days=i) for i in range(300)]
    add_working_days(date(2025, 1, 1), 20)  # warm the cache for 2025 and 2026
    add_working_days(date(2025, 12, 1), 40)
    with django_assert_num_queries(0):
        snapshot = working_calendar()
        deadlines = [snapshot.add_working_days(start, 20) for start in starts]
        counts = [
            snapshot.working_days_between(start, deadline)
            for start, deadline in zip(starts, deadlines, strict=True)
        ]
    assert set(counts) == {20}


def test_a_cold_cache_loads_a_range_of_years_in_one_round(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        working_days_between(date(2010, 1, 1), date(2025, 12, 31))

"""Working-day arithmetic over the stored overrides (the rules are in the package docstring).

`WorkingCalendar` answers from per-year data: each year's overrides and its working days as a
sorted list of ordinals, so a calculation is a few bisections. It loads missing years one range
per query; `cache.working_calendar()` hands out instances sharing this process's cached years.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publication.models import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarDay,
    CalendarDayKind,
    CalendarYear,
    CalendarYearStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# About 14 years of working days: far beyond any legal deadline, small enough to stay cheap.
MAX_WORKING_DAYS = 3650

HOLIDAY = CalendarDayKind.HOLIDAY.value
MAKEUP_WORKDAY = CalendarDayKind.MAKEUP_WORKDAY.value

WEEKDAY_NAMES = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]


class CalendarRangeError(ValueError):
    """A date, year or count outside what the calendar supports; the message is translated."""


# Results ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkdayResult:
    """`add_working_days_explained`: the date, and the years computed without official data."""

    date: date
    fallback_years: list[int] = field(default_factory=list)

    @property
    def uses_fallback(self) -> bool:
        return bool(self.fallback_years)


@dataclass(frozen=True)
class WorkdayCount:
    """`working_days_between_explained`: the count, and the years computed without official data."""

    count: int
    fallback_years: list[int] = field(default_factory=list)

    @property
    def uses_fallback(self) -> bool:
        return bool(self.fallback_years)


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_working_day: bool
    kind: str  # "holiday", "makeup_workday" or "" (an ordinary weekday or weekend day)
    name: str
    is_weekend: bool
    year_is_official: bool


# Input helpers ------------------------------------------------------------------------------------


def as_date(value: date | datetime) -> date:
    """Deadlines are dates in China; an aware datetime is read in Asia/Shanghai."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value, SHANGHAI).date()
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarRangeError(
            _("工作日历仅支持 %(min)d 年至 %(max)d 年的日期。") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 0:
        raise CalendarRangeError(_("工作日数不能为负数。"))
    if n > MAX_WORKING_DAYS:
        raise CalendarRangeError(_("工作日数不能超过 %(max)d。") % {"max": MAX_WORKING_DAYS})


def shanghai_today() -> date:
    return timezone.localtime(timezone.now(), SHANGHAI).date()


# Per-year data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearData:
    year: int
    official: bool
    overrides: Mapping[int, tuple[str, str]]  # ordinal -> (kind, name)
    working: Sequence[int]  # sorted ordinals of the year's working days


def _build_year(year: int, official: bool, overrides: dict[int, tuple[str, str]]) -> YearData:
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    working = []
    for ordinal in range(first, last + 1):
        override = overrides.get(ordinal)
        # date(1, 1, 1) has ordinal 1 and is a Monday, so (ordinal - 1) % 7 is the weekday.
        is_working = override[0] == MAKEUP_WORKDAY if override else (ordinal - 1) % 7 < 5
        if is_working:
            working.append(ordinal)
    return YearData(year=year, official=official, overrides=overrides, working=tuple(working))


def _load_years(first_year: int, last_year: int) -> dict[int, YearData]:
    """All years of a range in two queries (days and year statuses), never one per day."""
    overrides: dict[int, dict[int, tuple[str, str]]] = {
        year: {} for year in range(first_year, last_year + 1)
    }
    rows = CalendarDay.objects.filter(
        date__gte=date(first_year, 1, 1), date__lte=date(last_year, 12, 31)
    ).values_list("date", "kind", "name")
    for day, kind, name in rows:
        overrides[day.year][day.toordinal()] = (kind, name)
    official = set(
        CalendarYear.objects.filter(
            year__gte=first_year, year__lte=last_year, status=CalendarYearStatus.OFFICIAL
        ).values_list("year", flat=True)
    )
    return {year: _build_year(year, year in official, days) for year, days in overrides.items()}


class WorkingCalendar:
    """Working-day arithmetic over a store of per-year data, loaded lazily by year range."""

    def __init__(self, years: dict[int, YearData]):
        self._years = years

    # Loading ------------------------------------------------------------------------------------
    def prefetch(self, first_year: int, last_year: int) -> None:
        first_year, last_year = max(first_year, MIN_YEAR), min(last_year, MAX_YEAR)
        missing = [year for year in range(first_year, last_year + 1) if year not in self._years]
        if missing:
            self._years.update(_load_years(min(missing), max(missing)))

    def _year(self, year: int) -> YearData:
        data = self._years.get(year)
        if data is None:
            check_year(year)
            self.prefetch(year, year)
            data = self._years[year]
        return data

    def _fallback_years(self, first_year: int, last_year: int) -> list[int]:
        self.prefetch(first_year, last_year)
        return [year for year in range(first_year, last_year + 1) if not self._year(year).official]

    # Queries ------------------------------------------------------------------------------------
    def is_working_day(self, day: date | datetime) -> bool:
        day = as_date(day)
        data = self._year(day.year)
        override = data.overrides.get(day.toordinal())
        if override is not None:
            return override[0] == MAKEUP_WORKDAY
        return day.weekday() < 5

    def day_info(self, day: date | datetime) -> DayInfo:
        day = as_date(day)
        data = self._year(day.year)
        kind, name = data.overrides.get(day.toordinal(), ("", ""))
        return DayInfo(
            date=day,
            is_working_day=self.is_working_day(day),
            kind=kind,
            name=name,
            is_weekend=day.weekday() >= 5,
            year_is_official=data.official,
        )

    def add_working_days(self, start: date | datetime, n: int) -> date:
        return self.add_working_days_explained(start, n).date

    def add_working_days_explained(self, start: date | datetime, n: int) -> WorkdayResult:
        start = as_date(start)
        _check_count(n)
        check_year(start.year)
        if n == 0:
            return WorkdayResult(date=start)
        # Roughly 250 working days a year: prefetch the likely range in one query.
        self.prefetch(start.year, (start + timedelta(days=n * 3 // 2 + 31)).year)
        start_ordinal = start.toordinal()
        year, remaining = start.year, n
        while True:
            data = self._year(year)
            position = bisect.bisect_right(data.working, start_ordinal)
            available = len(data.working) - position
            if remaining <= available:
                result = date.fromordinal(data.working[position + remaining - 1])
                break
            remaining -= available
            year += 1
            check_year(year)
        first_year = (start + timedelta(days=1)).year
        return WorkdayResult(
            date=result, fallback_years=self._fallback_years(first_year, result.year)
        )

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        return self.working_days_between_explained(a, b).count

    def working_days_between_explained(
        self, a: date | datetime, b: date | datetime
    ) -> WorkdayCount:
        a, b = as_date(a), as_date(b)
        check_year(a.year)
        check_year(b.year)
        if b <= a:
            return WorkdayCount(count=0)
        first_year = (a + timedelta(days=1)).year
        self.prefetch(first_year, b.year)
        a_ordinal, b_ordinal = a.toordinal(), b.toordinal()
        count = 0
        for year in range(first_year, b.year + 1):
            working = self._year(year).working
            count += bisect.bisect_right(working, b_ordinal) - bisect.bisect_right(
                working, a_ordinal
            )
        return WorkdayCount(count=count, fallback_years=self._fallback_years(first_year, b.year))

    def uses_fallback(self, start: date | datetime, end: date | datetime) -> list[int]:
        start, end = sorted((as_date(start), as_date(end)))
        check_year(start.year)
        check_year(end.year)
        return self._fallback_years(start.year, end.year)

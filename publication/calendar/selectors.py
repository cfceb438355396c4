"""Reads of the working calendar: the deadline arithmetic everyone uses, and the year coverage,
stored days and month grids of the office's calendar page. The calendar is public: nothing here is
narrowed to a user."""

from __future__ import annotations

import calendar as stdlib_calendar
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from publication.calendar.cache import working_calendar
from publication.calendar.workdays import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    DayInfo,
    WorkdayCount,
    WorkdayResult,
    check_year,
    shanghai_today,
)
from publication.models import CalendarDay, CalendarSource, CalendarYear, CalendarYearStatus


@dataclass(frozen=True)
class YearCoverage:
    """Whether a year's official schedule is loaded (`calendar_coverage`, `year_status`)."""

    year: int
    status: str
    source: str
    has_official_data: bool
    holiday_count: int = 0
    makeup_workday_count: int = 0
    confirmed_by: str = ""
    confirmed_at: datetime | None = None
    note: str = ""

    @property
    def status_label(self) -> str:
        return str(CalendarYearStatus(self.status).label)

    @property
    def source_label(self) -> str:
        return str(CalendarSource(self.source).label) if self.source else ""

    @property
    def is_fallback(self) -> bool:
        return not self.has_official_data


# Working-day arithmetic ----------------------------------------------------------------------------------


def is_working_day(day: date | datetime) -> bool:
    return working_calendar().is_working_day(day)


def add_working_days(start: date | datetime, n: int) -> date:
    """The date `n` working days after `start` (start itself is not counted; n == 0 gives start).

    A year without official data is computed as weekends-only; use `add_working_days_explained`
    to learn whether that happened.
    """
    return working_calendar().add_working_days(start, n)


def add_working_days_explained(start: date | datetime, n: int) -> WorkdayResult:
    return working_calendar().add_working_days_explained(start, n)


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """Working days after `a` up to and including `b`; 0 when b <= a.

    For n >= 0: working_days_between(start, add_working_days(start, n)) == n.
    """
    return working_calendar().working_days_between(a, b)


def working_days_between_explained(a: date | datetime, b: date | datetime) -> WorkdayCount:
    return working_calendar().working_days_between_explained(a, b)


def uses_fallback(start: date | datetime, end: date | datetime) -> list[int]:
    """The years between the two dates (both included) that have no official schedule."""
    return working_calendar().uses_fallback(start, end)


def calendar_coverage(years: Iterable[int] | None = None) -> list[YearCoverage]:
    """Coverage of the given years; by default this year and next year (Asia/Shanghai)."""
    if years is None:
        this_year = shanghai_today().year
        years = [this_year, this_year + 1]
    years = sorted(set(years))
    if not years:
        return []
    for year in years:
        check_year(year)
    statuses = {
        row.year: row
        for row in CalendarYear.objects.filter(year__in=years).select_related("confirmed_by")
    }
    counts: dict[tuple[int, str], int] = {}
    rows = (
        CalendarDay.objects.filter(
            date__gte=date(years[0], 1, 1), date__lte=date(years[-1], 12, 31)
        )
        .annotate(year=ExtractYear("date"))
        .values("year", "kind")
        .annotate(total=Count("id"))
        .order_by()
    )
    for count in rows:
        counts[(count["year"], count["kind"])] = count["total"]
    result = []
    for year in years:
        row = statuses.get(year)
        status = row.status if row else CalendarYearStatus.FALLBACK.value
        result.append(
            YearCoverage(
                year=year,
                status=status,
                source=row.source if row else "",
                has_official_data=status == CalendarYearStatus.OFFICIAL,
                holiday_count=counts.get((year, HOLIDAY), 0),
                makeup_workday_count=counts.get((year, MAKEUP_WORKDAY), 0),
                confirmed_by=str(row.confirmed_by) if row and row.confirmed_by else "",
                confirmed_at=row.confirmed_at if row else None,
                note=row.note if row else "",
            )
        )
    return result


def year_status(year: int) -> YearCoverage:
    return calendar_coverage([year])[0]


def calendar_year_list() -> list[YearCoverage]:
    """Every year with a status row, plus this year and next year (which always matter)."""
    this_year = shanghai_today().year
    years = set(CalendarYear.objects.values_list("year", flat=True)) | {this_year, this_year + 1}
    return calendar_coverage(years)


def year_days(year: int) -> QuerySet[CalendarDay]:
    """The stored overrides of one year (unordered, no joins): for the services' own reads."""
    return CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


def calendar_days_for_year(year: int) -> QuerySet[CalendarDay]:
    """The stored overrides of one year, in date order, with who changed them last."""
    check_year(year)
    return year_days(year).select_related("updated_by").order_by("date")


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayInfo | None]]  # Monday first; None outside the month


def calendar_year_grid(year: int) -> list[MonthGrid]:
    """Twelve month grids for the year page."""
    check_year(year)
    snapshot = working_calendar()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([snapshot.day_info(day) if day.month == month else None for day in week])
        months.append(MonthGrid(month=month, weeks=weeks))
    return months


def year_state_digest(year: int) -> str:
    """A fingerprint of a year's stored schedule: an import applies only what was previewed."""
    row = CalendarYear.objects.filter(year=year).values_list("status", "source").first()
    status, source = row if row else (CalendarYearStatus.FALLBACK.value, "")
    days = year_days(year).order_by("date").values_list("date", "kind", "name", "source")
    text = "\n".join(
        [f"{year}|{status}|{source}"] + [f"{d.isoformat()}|{k}|{n}|{s}" for d, k, n, s in days]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

"""The official working-day calendar: reads for deadline arithmetic, and the audited writes.

Rules (the legal deadlines count working days: 20 to enter results, 5 to publish a drawn list):

* A date with a CalendarDay row is a day off (`holiday`) or a working day (`makeup_workday`).
* Any other date is a working day iff it is Monday to Friday.
* A year is `official` when the State Council schedule for it is loaded; otherwise it is a
  *fallback* year, computed as weekends-only. Nothing here pretends otherwise: the `*_explained`
  functions and `uses_fallback` name the fallback years a calculation relied on.

Seeding: `calendar_seed` loads 2004–2026 (whatever the installed chinesecalendar package knows)
and is used by migration 0002 and `manage.py workdays seed`. It stores every date the package lists:
its holidays, including the weekend days it lists as part of a holiday run (so the calendar shows
the holiday's name on them; they change no count because weekends are days off anyway), and its
make-up working days. Re-seeding only touches years the package still owns (CalendarYear.source
"chinesecalendar" or no row) and never overwrites a manual or imported day, unless `force=True`.

Performance: deadlines are computed for lists of hundreds of inspection tasks. Overrides are
loaded one year range per query and kept in-process per year, with each year's working days as a
sorted list of ordinals, so a calculation is a few bisections. Every write bumps a version token in
the shared (Redis) cache, immediately and again on commit; the writing process drops its copy at
once, the others when they next look at the token (at most every TOKEN_RECHECK_SECONDS). For a
list, take one `working_calendar()` snapshot and call its methods.
"""

from __future__ import annotations

import bisect
import calendar as stdlib_calendar
import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import record_event
from accounts.models import User
from platform_site.uploads import CellDateError, decode_text, parse_cell_date
from publication.models import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarDay,
    CalendarDayKind,
    CalendarSource,
    CalendarYear,
    CalendarYearStatus,
)

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# About 14 years of working days: far beyond any legal deadline, small enough to stay cheap.
MAX_WORKING_DAYS = 3650
MAX_IMPORT_LINES = 400
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length

_VERSION_KEY = "publication:calendar:version"
# How long a process trusts its cached years before looking at the shared token again. A write in
# this process invalidates at once; one in another process is seen within this delay. Calendar
# changes happen a few times a year, while deadlines are computed all day.
TOKEN_RECHECK_SECONDS = 2.0
_DIRTY_FLAG = "publication_calendar_dirty"

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


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_working_day: bool
    kind: str  # "holiday", "makeup_workday" or "" (an ordinary weekday or weekend day)
    name: str
    is_weekend: bool
    year_is_official: bool


# Input helpers ------------------------------------------------------------------------------------


def _as_date(value: date | datetime) -> date:
    """Deadlines are dates in China; an aware datetime is read in Asia/Shanghai."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value, SHANGHAI).date()
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def _check_year(year: int) -> None:
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


# In-process cache ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _YearData:
    year: int
    official: bool
    overrides: Mapping[int, tuple[str, str]]  # ordinal -> (kind, name)
    working: Sequence[int]  # sorted ordinals of the year's working days


def _build_year(year: int, official: bool, overrides: dict[int, tuple[str, str]]) -> _YearData:
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    working = []
    for ordinal in range(first, last + 1):
        override = overrides.get(ordinal)
        # date(1, 1, 1) has ordinal 1 and is a Monday, so (ordinal - 1) % 7 is the weekday.
        is_working = override[0] == MAKEUP_WORKDAY if override else (ordinal - 1) % 7 < 5
        if is_working:
            working.append(ordinal)
    return _YearData(year=year, official=official, overrides=overrides, working=tuple(working))


def _load_years(first_year: int, last_year: int) -> dict[int, _YearData]:
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


@dataclass
class _ProcessState:
    token: str | None
    years: dict[int, _YearData]
    checked_at: float = 0.0  # time.monotonic() of the last look at the shared token


_state = _ProcessState(token=None, years={})
_state_lock = threading.Lock()


def _shared_token() -> str | None:
    """The calendar's current version in the shared cache; None when the cache is unreachable."""
    try:
        token = cache.get(_VERSION_KEY)
        if token is None:
            # Missing (first start, or Redis was flushed): nobody can know what changed, so a new
            # token makes every process reload.
            cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(_VERSION_KEY)
        return token
    except Exception:
        logger.warning(
            "working calendar: shared cache unavailable, reading the database", exc_info=True
        )
        return None


def _bump_shared_token() -> None:
    global _state
    with _state_lock:
        _state = _ProcessState(token=None, years={})
    try:
        cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.error("working calendar: could not invalidate the shared cache", exc_info=True)


def _calendar_changed() -> None:
    """Called by every write, inside its transaction.

    The token is bumped now (this process and any reader see the change as soon as it commits)
    and again on commit, because another process may have re-read the old rows between the first
    bump and the commit. Until this connection's transaction ends, its own snapshots bypass the
    process cache: they see uncommitted rows that a rollback would make false.
    """
    connection = transaction.get_connection()
    setattr(connection, _DIRTY_FLAG, True)
    _bump_shared_token()
    transaction.on_commit(_bump_shared_token)


def calendar_cache_clear() -> None:
    """Forget every cached year in this process and in the others (tests, restored backups)."""
    connection = transaction.get_connection()
    setattr(connection, _DIRTY_FLAG, False)
    _bump_shared_token()


def working_calendar() -> WorkingCalendar:
    """A consistent view of the calendar. For a list of deadlines take one and reuse it."""
    global _state
    connection = transaction.get_connection()
    if getattr(connection, _DIRTY_FLAG, False):
        if connection.in_atomic_block:
            return WorkingCalendar({})
        setattr(connection, _DIRTY_FLAG, False)
    state = _state
    if state.token is not None and time.monotonic() - state.checked_at < TOKEN_RECHECK_SECONDS:
        return WorkingCalendar(state.years)
    token = _shared_token()
    if token is None:
        return WorkingCalendar({})
    with _state_lock:
        if _state.token != token:
            _state = _ProcessState(token=token, years={})
        _state.checked_at = time.monotonic()
        return WorkingCalendar(_state.years)


class WorkingCalendar:
    """Working-day arithmetic over a store of per-year data, loaded lazily by year range."""

    def __init__(self, years: dict[int, _YearData]):
        self._years = years

    # Loading ------------------------------------------------------------------------------------
    def prefetch(self, first_year: int, last_year: int) -> None:
        first_year, last_year = max(first_year, MIN_YEAR), min(last_year, MAX_YEAR)
        missing = [year for year in range(first_year, last_year + 1) if year not in self._years]
        if missing:
            self._years.update(_load_years(min(missing), max(missing)))

    def _year(self, year: int) -> _YearData:
        data = self._years.get(year)
        if data is None:
            _check_year(year)
            self.prefetch(year, year)
            data = self._years[year]
        return data

    def _fallback_years(self, first_year: int, last_year: int) -> list[int]:
        self.prefetch(first_year, last_year)
        return [year for year in range(first_year, last_year + 1) if not self._year(year).official]

    # Queries ------------------------------------------------------------------------------------
    def is_working_day(self, day: date | datetime) -> bool:
        day = _as_date(day)
        data = self._year(day.year)
        override = data.overrides.get(day.toordinal())
        if override is not None:
            return override[0] == MAKEUP_WORKDAY
        return day.weekday() < 5

    def day_info(self, day: date | datetime) -> DayInfo:
        day = _as_date(day)
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
        start = _as_date(start)
        _check_count(n)
        _check_year(start.year)
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
            _check_year(year)
        first_year = (start + timedelta(days=1)).year
        return WorkdayResult(
            date=result, fallback_years=self._fallback_years(first_year, result.year)
        )

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        return self.working_days_between_explained(a, b).count

    def working_days_between_explained(
        self, a: date | datetime, b: date | datetime
    ) -> WorkdayCount:
        a, b = _as_date(a), _as_date(b)
        _check_year(a.year)
        _check_year(b.year)
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
        start, end = sorted((_as_date(start), _as_date(end)))
        _check_year(start.year)
        _check_year(end.year)
        return self._fallback_years(start.year, end.year)


# Public read API ----------------------------------------------------------------------------------


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
        _check_year(year)
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
    for row in rows:
        counts[(row["year"], row["kind"])] = row["total"]
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


def _year_days(year: int):
    return CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


def calendar_days_for_year(year: int):
    """The stored overrides of one year, in date order, with who changed them last."""
    _check_year(year)
    return _year_days(year).select_related("updated_by").order_by("date")


@dataclass(frozen=True)
class MonthGrid:
    month: int
    weeks: list[list[DayInfo | None]]  # Monday first; None outside the month


def calendar_year_grid(year: int) -> list[MonthGrid]:
    """Twelve month grids for the year page."""
    _check_year(year)
    snapshot = working_calendar()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([snapshot.day_info(day) if day.month == month else None for day in week])
        months.append(MonthGrid(month=month, weeks=weeks))
    return months


def _year_state_digest(year: int) -> str:
    """A fingerprint of a year's stored schedule: an import applies only what was previewed."""
    row = CalendarYear.objects.filter(year=year).values_list("status", "source").first()
    status, source = row if row else (CalendarYearStatus.FALLBACK.value, "")
    days = _year_days(year).order_by("date").values_list("date", "kind", "name", "source")
    text = "\n".join(
        [f"{year}|{status}|{source}"] + [f"{d.isoformat()}|{k}|{n}|{s}" for d, k, n, s in days]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Import parsing and preview -----------------------------------------------------------------------

_KIND_WORDS = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "休息": HOLIDAY,
    "假": HOLIDAY,
    "放假": HOLIDAY,
    "节假日": HOLIDAY,
    "workday": MAKEUP_WORKDAY,
    "makeup_workday": MAKEUP_WORKDAY,
    "makeup": MAKEUP_WORKDAY,
    "班": MAKEUP_WORKDAY,
    "上班": MAKEUP_WORKDAY,
    "调休上班": MAKEUP_WORKDAY,
}
_SEPARATORS_RE = re.compile(r"\s*[,\t，;；]\s*")
_HEADER_WORDS = {"date", "日期"}


def parse_kind(value: str) -> str | None:
    return _KIND_WORDS.get(value.strip().lower())


@dataclass(frozen=True)
class ImportRow:
    line: int
    date: date
    kind: str
    name: str


def _split_line(line: str) -> list[str]:
    if _SEPARATORS_RE.search(line):
        return [part.strip() for part in _SEPARATORS_RE.split(line, maxsplit=2)]
    return line.split(maxsplit=2)


def _raw_rows(text_or_rows: str | Iterable[Any]) -> list[tuple[int, list[str]]]:
    """(line number, fields) for each meaningful line; blank and # lines are skipped."""
    if isinstance(text_or_rows, bytes):
        text_or_rows = decode_text(text_or_rows)  # the platform's one sniffer (UploadError)
    result: list[tuple[int, list[str]]] = []
    if isinstance(text_or_rows, str):
        for number, line in enumerate(text_or_rows.lstrip("\ufeff").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = _split_line(line)
            if not result and fields[0].lower() in _HEADER_WORDS:
                continue
            result.append((number, fields))
        return result
    for number, row in enumerate(text_or_rows, start=1):
        if isinstance(row, Mapping):
            fields = [row.get("date", ""), row.get("kind", ""), row.get("name", "")]
        else:
            fields = list(row)
        result.append((number, ["" if value is None else str(value).strip() for value in fields]))
    return result


def calendar_import_parse(*, year: int, text_or_rows: str | Iterable[Any]) -> list[ImportRow]:
    """Validate an official schedule: `YYYY-MM-DD,holiday|workday,名称` per line (休/班 too).

    Every problem is reported with its line number, all at once; nothing is returned on error.
    """
    try:
        _check_year(year)
    except CalendarRangeError as error:
        raise ValidationError(str(error)) from None
    errors: list[str] = []
    rows: list[ImportRow] = []
    first_line_of: dict[date, int] = {}
    raw = _raw_rows(text_or_rows)
    if len(raw) > MAX_IMPORT_LINES:
        raise ValidationError(_("行数过多：最多 %(max)d 行。") % {"max": MAX_IMPORT_LINES})
    for line, fields in raw:
        if len(fields) < 2 or not fields[0] or not fields[1]:
            errors.append(
                _("第 %(line)d 行：应为“日期,类型,名称”，例如 2026-10-01,休,国庆节。")
                % {"line": line}
            )
            continue
        date_text, kind_text = fields[0], fields[1]
        name = fields[2].strip() if len(fields) > 2 else ""
        line_errors = []
        try:
            day = parse_cell_date(date_text)  # the platform's one rule for dates in a file
        except CellDateError as error:
            day = None
            line_errors.append(_("第 %(line)d 行：%(problem)s") % {"line": line, "problem": error})
        if day is not None and day.year != year:
            line_errors.append(
                _("第 %(line)d 行：日期 %(date)s 不属于 %(year)d 年。")
                % {"line": line, "date": day.isoformat(), "year": year}
            )
        kind = parse_kind(kind_text)
        if kind is None:
            line_errors.append(
                _("第 %(line)d 行：类型“%(value)s”无效，应为 holiday（休）或 workday（班）。")
                % {"line": line, "value": kind_text}
            )
        if len(name) > NAME_MAX_LENGTH:
            line_errors.append(
                _("第 %(line)d 行：名称过长，最多 %(max)d 个字。")
                % {"line": line, "max": NAME_MAX_LENGTH}
            )
        if day is not None and day.year == year:
            if day in first_line_of:
                line_errors.append(
                    _("第 %(line)d 行：日期 %(date)s 与第 %(first)d 行重复。")
                    % {"line": line, "date": day.isoformat(), "first": first_line_of[day]}
                )
            else:
                first_line_of[day] = line
            if kind == MAKEUP_WORKDAY and day.weekday() < 5:
                line_errors.append(
                    _("第 %(line)d 行：%(date)s 是%(weekday)s，调休上班日必须是周六或周日。")
                    % {
                        "line": line,
                        "date": day.isoformat(),
                        "weekday": WEEKDAY_NAMES[day.weekday()],
                    }
                )
        if line_errors:
            errors.extend(line_errors)
            continue
        assert day is not None and kind is not None
        rows.append(ImportRow(line=line, date=day, kind=kind, name=name))
    if not raw:
        errors.append(_("没有可导入的日期行。"))
    if errors:
        raise ValidationError(errors)
    return sorted(rows, key=lambda row: row.date)


@dataclass(frozen=True)
class ImportChange:
    date: date
    action: str  # "add" | "remove" | "change"
    before_kind: str
    before_name: str
    before_source: str
    after_kind: str
    after_name: str
    before_working: bool
    after_working: bool

    @property
    def working_changed(self) -> bool:
        return self.before_working != self.after_working

    @property
    def before_kind_label(self) -> str:
        return str(CalendarDayKind(self.before_kind).label) if self.before_kind else ""

    @property
    def after_kind_label(self) -> str:
        return str(CalendarDayKind(self.after_kind).label) if self.after_kind else ""

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAY_NAMES[self.date.weekday()])


@dataclass(frozen=True)
class ImportPreview:
    year: int
    rows: list[ImportRow]
    changes: list[ImportChange]
    unchanged_count: int
    current: YearCoverage
    digest: str

    @property
    def holiday_count(self) -> int:
        return sum(1 for row in self.rows if row.kind == HOLIDAY)

    @property
    def makeup_workday_count(self) -> int:
        return sum(1 for row in self.rows if row.kind == MAKEUP_WORKDAY)

    @property
    def working_changes(self) -> list[ImportChange]:
        return [change for change in self.changes if change.working_changed]

    @property
    def normalized_text(self) -> str:
        """The rows as canonical CSV: what the confirmation step sends back."""
        return "\n".join(f"{row.date.isoformat()},{row.kind},{row.name}" for row in self.rows)


def _is_working(day: date, kind: str) -> bool:
    return kind == MAKEUP_WORKDAY if kind else day.weekday() < 5


def _diff(year: int, rows: list[ImportRow]) -> tuple[list[ImportChange], int]:
    current = {day.date: day for day in _year_days(year).only("date", "kind", "name", "source")}
    wanted = {row.date: row for row in rows}
    changes, unchanged = [], 0
    for day in sorted(set(current) | set(wanted)):
        before, after = current.get(day), wanted.get(day)
        if (
            before is not None
            and after is not None
            and (before.kind, before.name) == (after.kind, after.name)
        ):
            unchanged += 1
            continue
        action = "add" if before is None else "remove" if after is None else "change"
        before_kind = before.kind if before else ""
        after_kind = after.kind if after else ""
        changes.append(
            ImportChange(
                date=day,
                action=action,
                before_kind=before_kind,
                before_name=before.name if before else "",
                before_source=before.source if before else "",
                after_kind=after_kind,
                after_name=after.name if after else "",
                before_working=_is_working(day, before_kind),
                after_working=_is_working(day, after_kind),
            )
        )
    return changes, unchanged


def calendar_year_import_preview(*, year: int, text_or_rows: str | Iterable[Any]) -> ImportPreview:
    """What `calendar_year_import` would change, without changing anything."""
    rows = calendar_import_parse(year=year, text_or_rows=text_or_rows)
    changes, unchanged = _diff(year, rows)
    return ImportPreview(
        year=year,
        rows=rows,
        changes=changes,
        unchanged_count=unchanged,
        current=year_status(year),
        digest=_year_state_digest(year),
    )


# Writes -------------------------------------------------------------------------------------------


def _require_office_admin(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_office_admin:
        raise PermissionDenied(_("只有联席办管理员可以维护工作日历。"))


def _lock_year(year: int) -> CalendarYear:
    """Lock the year's status row (created as a fallback year if missing): every write to a
    year's days holds it, so an import never interleaves with a single-day change."""
    row, _created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"status": CalendarYearStatus.FALLBACK, "source": ""}
    )
    return row


def _take_over_from_package(year_row: CalendarYear) -> None:
    """A manual change to a package-seeded year: re-seeding must not silently undo it."""
    if year_row.source == CalendarSource.CHINESECALENDAR:
        year_row.source = CalendarSource.MANUAL
        year_row.updated_at = timezone.now()
        year_row.save(update_fields=["source", "updated_at"])


def _day_snapshot(day: CalendarDay | None) -> dict[str, str] | None:
    if day is None:
        return None
    return {"kind": day.kind, "name": day.name, "source": day.source}


def _validated_day(value: date | datetime) -> date:
    day = _as_date(value)
    try:
        _check_year(day.year)
    except CalendarRangeError as error:
        raise ValidationError({"date": [str(error)]}) from None
    return day


@transaction.atomic
def calendar_day_set(*, day: date, kind: str, name: str = "", set_by: User) -> CalendarDay:
    """Mark one date as a holiday or a make-up working day (manual correction by the office)."""
    _require_office_admin(set_by)
    day = _validated_day(day)
    normalized_kind = parse_kind(kind or "")
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if normalized_kind is None:
        errors["kind"] = [_("类型无效，应为 holiday（休）或 makeup_workday（班）。")]
    elif normalized_kind == MAKEUP_WORKDAY and day.weekday() < 5:
        errors["kind"] = [
            _("%(date)s 是%(weekday)s，调休上班日必须是周六或周日。")
            % {"date": day.isoformat(), "weekday": WEEKDAY_NAMES[day.weekday()]}
        ]
    if len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("名称过长，最多 %(max)d 个字。") % {"max": NAME_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    assert normalized_kind is not None
    year_row = _lock_year(day.year)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is not None and (existing.kind, existing.name) == (normalized_kind, name):
        return existing  # nothing changes, nothing to record
    previous = _day_snapshot(existing)
    now = timezone.now()
    if existing is None:
        calendar_day = CalendarDay.objects.create(
            date=day,
            kind=normalized_kind,
            name=name,
            source=CalendarSource.MANUAL,
            created_by=set_by,
            updated_by=set_by,
            created_at=now,
            updated_at=now,
        )
    else:
        calendar_day = existing
        calendar_day.kind, calendar_day.name = normalized_kind, name
        calendar_day.source = CalendarSource.MANUAL
        calendar_day.updated_by, calendar_day.updated_at = set_by, now
        calendar_day.save(update_fields=["kind", "name", "source", "updated_by", "updated_at"])
    _take_over_from_package(year_row)
    record_event(
        actor=set_by,
        action="calendar.day_set",
        target=calendar_day,
        details={
            "date": day.isoformat(),
            "kind": normalized_kind,
            "name": name,
            "previous": previous,
        },
    )
    _calendar_changed()
    return calendar_day


@transaction.atomic
def calendar_day_clear(*, day: date, cleared_by: User) -> None:
    """Remove a date's override: it becomes an ordinary day again (working iff Monday–Friday)."""
    _require_office_admin(cleared_by)
    day = _validated_day(day)
    year_row = _lock_year(day.year)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is None:
        raise ValidationError(
            {"date": [_("%(date)s 没有特殊安排，无需清除。") % {"date": day.isoformat()}]}
        )
    record_event(
        actor=cleared_by,
        action="calendar.day_clear",
        target=existing,
        details={"date": day.isoformat(), "previous": _day_snapshot(existing)},
    )
    existing.delete()
    _take_over_from_package(year_row)
    _calendar_changed()


@transaction.atomic
def calendar_year_import(
    *,
    year: int,
    text_or_rows: str | Iterable[Any],
    imported_by: User,
    expected_digest: str | None = None,
    note: str = "",
) -> CalendarYear:
    """Load a year's official schedule (国务院办公厅 notice, published each November/December).

    Every line is validated first; on any error nothing is written. The year's overrides are then
    replaced as a whole (manual corrections included: the notice is authoritative) and the year is
    marked official. `expected_digest` (from the preview) refuses to apply if the year changed
    since it was previewed.
    """
    _require_office_admin(imported_by)
    rows = calendar_import_parse(year=year, text_or_rows=text_or_rows)
    year_row = _lock_year(year)
    if expected_digest is not None and expected_digest != _year_state_digest(year):
        raise ValidationError(
            _("预览之后 %(year)d 年的日历已被修改，请重新预览后再确认。") % {"year": year}
        )
    changes, unchanged = _diff(year, rows)
    previous_status, previous_source = year_row.status, year_row.source
    now = timezone.now()
    _year_days(year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=row.date,
            kind=row.kind,
            name=row.name,
            source=CalendarSource.OFFICIAL_IMPORT,
            created_by=imported_by,
            updated_by=imported_by,
            created_at=now,
            updated_at=now,
        )
        for row in rows
    )
    year_row.status = CalendarYearStatus.OFFICIAL
    year_row.source = CalendarSource.OFFICIAL_IMPORT
    year_row.confirmed_by, year_row.confirmed_at = imported_by, now
    year_row.note = note.strip()
    year_row.updated_at = now
    year_row.save(
        update_fields=["status", "source", "confirmed_by", "confirmed_at", "note", "updated_at"]
    )
    canonical = "\n".join(f"{row.date.isoformat()},{row.kind},{row.name}" for row in rows)
    record_event(
        actor=imported_by,
        action="calendar.year_import",
        target=year_row,
        details={
            "year": year,
            "holidays": sum(1 for row in rows if row.kind == HOLIDAY),
            "makeup_workdays": sum(1 for row in rows if row.kind == MAKEUP_WORKDAY),
            "added": sum(1 for change in changes if change.action == "add"),
            "removed": sum(1 for change in changes if change.action == "remove"),
            "changed": sum(1 for change in changes if change.action == "change"),
            "unchanged": unchanged,
            "working_days_changed": [c.date.isoformat() for c in changes if c.working_changed],
            "previous_status": previous_status,
            "previous_source": previous_source,
            "sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            "note": year_row.note,
        },
    )
    _calendar_changed()
    return year_row


@transaction.atomic
def calendar_year_mark_official(*, year: int, confirmed_by: User, note: str) -> CalendarYear:
    """Confirm that the stored days already are the year's official schedule (rare: normally an
    import does this). The note must say on what basis, e.g. the notice's reference number."""
    _require_office_admin(confirmed_by)
    _year_or_validation_error(year)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请说明确认依据，例如国务院办公厅通知的文号。")]})
    year_row = _lock_year(year)
    if year_row.status == CalendarYearStatus.OFFICIAL:
        return year_row
    previous = {"status": year_row.status, "source": year_row.source}
    _set_year_status(year_row, CalendarYearStatus.OFFICIAL, by=confirmed_by, note=note)
    record_event(
        actor=confirmed_by,
        action="calendar.year_mark_official",
        target=year_row,
        details={
            "year": year,
            "previous": previous,
            "days": _year_days(year).count(),
            "note": note,
        },
    )
    _calendar_changed()
    return year_row


@transaction.atomic
def calendar_year_mark_fallback(*, year: int, marked_by: User, note: str = "") -> CalendarYear:
    """Declare that a year has no confirmed official schedule: deadlines touching it are then
    reported as computed weekends-only. Stored days are kept (and still apply)."""
    _require_office_admin(marked_by)
    _year_or_validation_error(year)
    year_row = _lock_year(year)
    if year_row.status == CalendarYearStatus.FALLBACK and year_row.source == CalendarSource.MANUAL:
        return year_row
    previous = {"status": year_row.status, "source": year_row.source}
    _set_year_status(year_row, CalendarYearStatus.FALLBACK, by=marked_by, note=(note or "").strip())
    record_event(
        actor=marked_by,
        action="calendar.year_mark_fallback",
        target=year_row,
        details={"year": year, "previous": previous, "note": year_row.note},
    )
    _calendar_changed()
    return year_row


def _year_or_validation_error(year: int) -> None:
    try:
        _check_year(year)
    except CalendarRangeError as error:
        raise ValidationError({"year": [str(error)]}) from None


def _set_year_status(year_row: CalendarYear, status: str, *, by: User, note: str) -> None:
    now = timezone.now()
    year_row.status = status
    year_row.source = CalendarSource.MANUAL
    year_row.confirmed_by, year_row.confirmed_at = by, now
    year_row.note = note
    year_row.updated_at = now
    year_row.save(
        update_fields=["status", "source", "confirmed_by", "confirmed_at", "note", "updated_at"]
    )


# Seeding from the chinesecalendar package ---------------------------------------------------------

# The package's Chinese names are short forms; the calendar shows the usual full names.
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass
class SeedReport:
    package_version: str
    seeded_years: list[int] = field(default_factory=list)
    skipped_years: list[int] = field(default_factory=list)  # owned by an import or a manual change
    unavailable_years: list[int] = field(default_factory=list)  # the package has no data
    created: int = 0
    updated: int = 0
    deleted: int = 0
    status_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.status_changed)


def _package_schedule() -> tuple[str, dict[int, dict[date, tuple[str, str]]]]:
    """{year: {date: (kind, 名称)}} from the installed chinesecalendar package."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday, holidays, workdays

    def chinese(english: str) -> str:
        try:
            name = Holiday(english).chinese
        except ValueError:
            return english
        return _FULL_NAMES.get(name, name)

    schedule: dict[int, dict[date, tuple[str, str]]] = {}
    for day, english in holidays.items():
        schedule.setdefault(day.year, {})[day] = (HOLIDAY, chinese(english))
    for day, english in workdays.items():
        schedule.setdefault(day.year, {})[day] = (MAKEUP_WORKDAY, chinese(english))
    return chinese_calendar.__version__, schedule


def calendar_seed(
    *,
    seeded_by: User | None = None,
    years: Iterable[int] | None = None,
    force: bool = False,
    apps: Any = None,
) -> SeedReport:
    """Load the years the chinesecalendar package knows (2004–2026 in 1.11). Idempotent.

    Used by migration 0002 (with its historical `apps`; no audit event there, because the audit
    trail's schema is not frozen in migrations) and by `manage.py workdays seed` (seeded_by None:
    the system; otherwise an office admin), which records one `calendar.seed` event when anything
    changed. A year an office admin has taken over (imported, confirmed, edited) is skipped unless
    `force`, which makes the package's data replace the year entirely.
    """
    if seeded_by is not None:
        _require_office_admin(seeded_by)
    day_model = apps.get_model("publication", "CalendarDay") if apps else CalendarDay
    year_model = apps.get_model("publication", "CalendarYear") if apps else CalendarYear
    version, schedule = _package_schedule()
    wanted_years = sorted(set(years) if years is not None else set(schedule))
    report = SeedReport(package_version=version)
    with transaction.atomic():
        for year in wanted_years:
            if year not in schedule:
                report.unavailable_years.append(year)
                continue
            _seed_year(day_model, year_model, year, schedule[year], force=force, report=report)
        if apps is None and report.changed:
            record_event(
                actor=seeded_by,
                action="calendar.seed",
                details={
                    "package": f"chinesecalendar {version}",
                    "seeded_years": report.seeded_years,
                    "skipped_years": report.skipped_years,
                    "created": report.created,
                    "updated": report.updated,
                    "deleted": report.deleted,
                    "force": force,
                },
            )
        if report.changed:
            _calendar_changed()
    return report


def _seed_year(day_model, year_model, year, wanted, *, force, report) -> None:
    year_row = year_model.objects.select_for_update().filter(year=year).first()
    owned_by_package = year_row is None or year_row.source in ("", CalendarSource.CHINESECALENDAR)
    if not owned_by_package and not force:
        report.skipped_years.append(year)
        return
    report.seeded_years.append(year)
    now = timezone.now()
    existing = {
        day.date: day
        for day in day_model.objects.select_for_update().filter(
            date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
        )
    }
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            day_model.objects.create(
                date=day,
                kind=kind,
                name=name,
                source=CalendarSource.CHINESECALENDAR,
                created_at=now,
                updated_at=now,
            )
            report.created += 1
            continue
        # A manual or imported day wins over the package, unless forced.
        package_owned = row.source == CalendarSource.CHINESECALENDAR or force
        package_row = (kind, name, CalendarSource.CHINESECALENDAR.value)
        if package_owned and (row.kind, row.name, row.source) != package_row:
            row.kind, row.name, row.source = package_row
            row.updated_at, row.updated_by = now, None
            row.save(update_fields=["kind", "name", "source", "updated_at", "updated_by"])
            report.updated += 1
    for day, row in existing.items():
        if day not in wanted and (row.source == CalendarSource.CHINESECALENDAR or force):
            row.delete()
            report.deleted += 1
    note = f"chinesecalendar {report.package_version}"
    if year_row is None:
        year_model.objects.create(
            year=year,
            status=CalendarYearStatus.OFFICIAL,
            source=CalendarSource.CHINESECALENDAR,
            note=note,
            updated_at=now,
        )
        report.status_changed += 1
    elif (year_row.status, year_row.source) != (
        CalendarYearStatus.OFFICIAL,
        CalendarSource.CHINESECALENDAR,
    ):
        year_row.status, year_row.source = (
            CalendarYearStatus.OFFICIAL,
            CalendarSource.CHINESECALENDAR,
        )
        year_row.confirmed_by, year_row.confirmed_at = None, None
        year_row.note, year_row.updated_at = note, now
        year_row.save(
            update_fields=["status", "source", "confirmed_by", "confirmed_at", "note", "updated_at"]
        )
        report.status_changed += 1

"""The official working-day calendar: deadline arithmetic for every app, and its audited upkeep.

Rules (the legal deadlines count working days: 20 to enter results, 5 to publish a drawn list):

* A date with a CalendarDay row is a day off (`holiday`) or a working day (`makeup_workday`).
* Any other date is a working day iff it is Monday to Friday.
* A year is `official` when the State Council schedule for it is loaded; otherwise it is a
  *fallback* year, computed as weekends-only. Nothing here pretends otherwise: the `*_explained`
  functions and `uses_fallback` name the fallback years a calculation relied on.

Import the public names from here (`from publication.calendar import add_working_days`). Inside:

* `workdays`: the arithmetic (`WorkingCalendar`) over per-year data, and its result types;
* `cache`: the per-process cache of years and the shared version token that invalidates it
  (`working_calendar`, `calendar_cache_clear`);
* `selectors`: reads (`add_working_days`, `working_days_between`, coverage, month grids);
* `importing`: parsing and previewing a year's official schedule;
* `services`: the audited writes (one day, a year's import, a year's status);
* `seeding`: loading the years the chinesecalendar package knows (migration 0002, `workdays seed`);
* `permissions`, `forms`, `views`, `urls`, `api/`: the office's calendar pages and API.
"""

from publication.calendar.cache import calendar_cache_clear, working_calendar
from publication.calendar.importing import (
    MAX_IMPORT_LINES,
    ImportChange,
    ImportPreview,
    ImportRow,
    calendar_import_parse,
    calendar_year_import_preview,
    parse_kind,
)
from publication.calendar.seeding import SeedReport, calendar_seed
from publication.calendar.selectors import (
    MonthGrid,
    YearCoverage,
    add_working_days,
    add_working_days_explained,
    calendar_coverage,
    calendar_days_for_year,
    calendar_year_grid,
    calendar_year_list,
    is_working_day,
    uses_fallback,
    working_days_between,
    working_days_between_explained,
    year_status,
)
from publication.calendar.services import (
    calendar_day_clear,
    calendar_day_set,
    calendar_year_import,
    calendar_year_mark_fallback,
    calendar_year_mark_official,
)
from publication.calendar.workdays import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    MAX_WORKING_DAYS,
    SHANGHAI,
    WEEKDAY_NAMES,
    CalendarRangeError,
    DayInfo,
    WorkdayCount,
    WorkdayResult,
    WorkingCalendar,
    shanghai_today,
)

__all__ = [
    "HOLIDAY",
    "MAKEUP_WORKDAY",
    "MAX_IMPORT_LINES",
    "MAX_WORKING_DAYS",
    "SHANGHAI",
    "WEEKDAY_NAMES",
    "CalendarRangeError",
    "DayInfo",
    "ImportChange",
    "ImportPreview",
    "ImportRow",
    "MonthGrid",
    "SeedReport",
    "WorkdayCount",
    "WorkdayResult",
    "WorkingCalendar",
    "YearCoverage",
    "add_working_days",
    "add_working_days_explained",
    "calendar_cache_clear",
    "calendar_coverage",
    "calendar_day_clear",
    "calendar_day_set",
    "calendar_days_for_year",
    "calendar_import_parse",
    "calendar_seed",
    "calendar_year_grid",
    "calendar_year_import",
    "calendar_year_import_preview",
    "calendar_year_list",
    "calendar_year_mark_fallback",
    "calendar_year_mark_official",
    "is_working_day",
    "parse_kind",
    "shanghai_today",
    "uses_fallback",
    "working_calendar",
    "working_days_between",
    "working_days_between_explained",
    "year_status",
]

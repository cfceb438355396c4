"""Working-day arithmetic and calendar maintenance from the shell.

    manage.py workdays add 2025-09-26 20          -> 2025-10-30
    manage.py workdays between 2025-09-26 2025-10-31
    manage.py workdays seed [--year 2026 ...] [--force]
    manage.py workdays status [--year 2027 ...]

`add` and `between` print only the answer on stdout, so scripts can use it; a warning about years
without official data goes to stderr.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from publication.calendar import (
    MAX_WORKING_DAYS,
    CalendarRangeError,
    add_working_days_explained,
    calendar_coverage,
    calendar_seed,
    calendar_year_list,
    working_days_between_explained,
)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: str, label: str) -> date:
    if _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CommandError(
        f"{label}: '{value}' is not a valid date; expected YYYY-MM-DD, e.g. 2025-09-26."
    )


def _parse_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise CommandError(f"n: '{value}' is not a whole number of working days.") from None
    if n < 0:
        raise CommandError(f"n: {n} is negative; the number of working days must be 0 or more.")
    if n > MAX_WORKING_DAYS:
        raise CommandError(f"n: {n} is too large; at most {MAX_WORKING_DAYS} working days.")
    return n


class Command(BaseCommand):
    help = "Working days per the official Chinese calendar: add, between, seed, status."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{add,between,seed,status}"
        )
        add = actions.add_parser(
            "add", help="the date N working days after START (START not counted)"
        )
        add.add_argument("start", help="YYYY-MM-DD")
        add.add_argument("n", help="number of working days, 0 or more")
        between = actions.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a", help="YYYY-MM-DD")
        between.add_argument("b", help="YYYY-MM-DD")
        seed = actions.add_parser(
            "seed", help="(re)load the schedules known to the chinesecalendar package"
        )
        seed.add_argument(
            "--year", type=int, action="append", dest="years", help="only this year (repeatable)"
        )
        seed.add_argument(
            "--force",
            action="store_true",
            help="also replace years an office admin imported or edited",
        )
        status = actions.add_parser(
            "status", help="list years and whether their official schedule is loaded"
        )
        status.add_argument(
            "--year", type=int, action="append", dest="years", help="only this year (repeatable)"
        )

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "add":
                self._add(options)
            elif action == "between":
                self._between(options)
            elif action == "seed":
                self._seed(options)
            else:
                self._status(options)
        except CalendarRangeError as error:
            raise CommandError(str(error)) from None

    def _warn_fallback(self, years: list[int]) -> None:
        if years:
            listed = ", ".join(str(year) for year in years)
            self.stderr.write(
                f"warning: no official holiday schedule for {listed}; those years were counted as "
                "weekends-only (import the State Council notice to fix this)."
            )

    def _add(self, options) -> None:
        start = _parse_date(options["start"], "start")
        n = _parse_count(options["n"])
        result = add_working_days_explained(start, n)
        self._warn_fallback(result.fallback_years)
        self.stdout.write(result.date.isoformat())

    def _between(self, options) -> None:
        a = _parse_date(options["a"], "a")
        b = _parse_date(options["b"], "b")
        result = working_days_between_explained(a, b)
        self._warn_fallback(result.fallback_years)
        self.stdout.write(str(result.count))

    def _seed(self, options) -> None:
        report = calendar_seed(years=options["years"], force=options["force"])
        self.stdout.write(
            f"chinesecalendar {report.package_version}: seeded {len(report.seeded_years)} year(s); "
            f"{report.created} day(s) created, {report.updated} updated, {report.deleted} deleted."
        )
        if report.skipped_years:
            skipped = ", ".join(str(year) for year in report.skipped_years)
            self.stdout.write(f"skipped (imported or edited by the office; use --force): {skipped}")
        if report.unavailable_years:
            missing = ", ".join(str(year) for year in report.unavailable_years)
            self.stderr.write(f"warning: the package has no data for {missing}.")

    def _status(self, options) -> None:
        years = calendar_coverage(options["years"]) if options["years"] else calendar_year_list()
        for item in years:
            flag = "official" if item.has_official_data else "FALLBACK (weekends only)"
            source = item.source or "-"
            self.stdout.write(
                f"{item.year}  {flag:<24}  source={source:<16}  holidays={item.holiday_count:<3}  "
                f"makeup_workdays={item.makeup_workday_count}"
            )

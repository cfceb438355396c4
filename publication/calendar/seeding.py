"""Seeding the working calendar from the installed chinesecalendar package (2004–2026 in 1.11).

`calendar_seed` stores every date the package lists: its holidays, including the weekend days it
lists as part of a holiday run (so the calendar shows the holiday's name on them; they change no
count because weekends are days off anyway), and its make-up working days. Re-seeding only touches
years the package still owns (CalendarYear.source "chinesecalendar" or no row) and never
overwrites a manual or imported day, unless `force=True`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import record_event
from accounts.models import User
from publication.calendar.cache import calendar_changed
from publication.calendar.permissions import require_office_admin
from publication.calendar.workdays import HOLIDAY, MAKEUP_WORKDAY
from publication.models import CalendarDay, CalendarSource, CalendarYear, CalendarYearStatus

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
        require_office_admin(seeded_by)
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
            calendar_changed()
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

"""The audited writes of the working calendar: single-day corrections, a year's official import,
and a year's status. Each runs in one transaction with its audit event, holds the year's status row
locked, and invalidates every process's cached years (`cache.calendar_changed`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from publication.calendar.cache import calendar_changed
from publication.calendar.importing import (
    NAME_MAX_LENGTH,
    calendar_import_diff,
    calendar_import_parse,
    parse_kind,
)
from publication.calendar.permissions import require_office_admin
from publication.calendar.selectors import year_days, year_state_digest
from publication.calendar.workdays import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    WEEKDAY_NAMES,
    CalendarRangeError,
    as_date,
    check_year,
)
from publication.models import CalendarDay, CalendarSource, CalendarYear, CalendarYearStatus


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
    day = as_date(value)
    try:
        check_year(day.year)
    except CalendarRangeError as error:
        raise ValidationError({"date": [str(error)]}) from None
    return day


@transaction.atomic
def calendar_day_set(*, day: date, kind: str, name: str = "", set_by: User) -> CalendarDay:
    """Mark one date as a holiday or a make-up working day (manual correction by the office)."""
    require_office_admin(set_by)
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
    calendar_changed()
    return calendar_day


@transaction.atomic
def calendar_day_clear(*, day: date, cleared_by: User) -> None:
    """Remove a date's override: it becomes an ordinary day again (working iff Monday–Friday)."""
    require_office_admin(cleared_by)
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
    calendar_changed()


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
    require_office_admin(imported_by)
    rows = calendar_import_parse(year=year, text_or_rows=text_or_rows)
    year_row = _lock_year(year)
    if expected_digest is not None and expected_digest != year_state_digest(year):
        raise ValidationError(
            _("预览之后 %(year)d 年的日历已被修改，请重新预览后再确认。") % {"year": year}
        )
    changes, unchanged = calendar_import_diff(year, rows)
    previous_status, previous_source = year_row.status, year_row.source
    now = timezone.now()
    year_days(year).delete()
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
    calendar_changed()
    return year_row


@transaction.atomic
def calendar_year_mark_official(*, year: int, confirmed_by: User, note: str) -> CalendarYear:
    """Confirm that the stored days already are the year's official schedule (rare: normally an
    import does this). The note must say on what basis, e.g. the notice's reference number."""
    require_office_admin(confirmed_by)
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
            "days": year_days(year).count(),
            "note": note,
        },
    )
    calendar_changed()
    return year_row


@transaction.atomic
def calendar_year_mark_fallback(*, year: int, marked_by: User, note: str = "") -> CalendarYear:
    """Declare that a year has no confirmed official schedule: deadlines touching it are then
    reported as computed weekends-only. Stored days are kept (and still apply)."""
    require_office_admin(marked_by)
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
    calendar_changed()
    return year_row


def _year_or_validation_error(year: int) -> None:
    try:
        check_year(year)
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

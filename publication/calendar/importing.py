"""Import of a year's official schedule (国务院办公厅 notice): parsing, and the preview of what an
import would change. The write itself is `services.calendar_year_import`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from platform_site.uploads import CellDateError, decode_text, parse_cell_date
from publication.calendar.selectors import (
    YearCoverage,
    year_days,
    year_state_digest,
    year_status,
)
from publication.calendar.workdays import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    WEEKDAY_NAMES,
    CalendarRangeError,
    check_year,
)
from publication.models import CalendarDay, CalendarDayKind

MAX_IMPORT_LINES = 400
NAME_MAX_LENGTH = cast(int, CalendarDay._meta.get_field("name").max_length)

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
        check_year(year)
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
        day: date | None
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


def calendar_import_diff(year: int, rows: list[ImportRow]) -> tuple[list[ImportChange], int]:
    """What replacing the year's stored days by `rows` changes, and how many days stay as they are."""
    current = {day.date: day for day in year_days(year).only("date", "kind", "name", "source")}
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
    changes, unchanged = calendar_import_diff(year, rows)
    return ImportPreview(
        year=year,
        rows=rows,
        changes=changes,
        unchanged_count=unchanged,
        current=year_status(year),
        digest=year_state_digest(year),
    )

"""The working-day index (CalendarWorkday): the calendar as a table, for set-based deadlines.

One row per date of INDEX_FIRST_YEAR..INDEX_LAST_YEAR with `working_ordinal` (working days up to
and including the date) and `fallback_days` (days of years without official data up to the date).
With it, "N working days after start" is the working day whose ordinal is start's + N: the same
rule as `publication.calendar.add_working_days` (start not counted, n = 0 gives start), which a
property test checks date by date.

The index is derived, never edited. `workday_index_refresh` compares a digest per year of the
calendar's rows (days and year statuses) with the digests the index was built from, and rebuilds
from the first changed year on in one statement (ordinals after a change all shift). It runs in a
job queued when a calendar write commits, before any due date is computed and at the start of
every sweep (`deadlines_calendar_sync`), so a missed job (a restored backup, a flushed test
database) is caught up.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from publication.models import CalendarDayKind, CalendarYearStatus

INDEX_FIRST_YEAR = 2000
INDEX_LAST_YEAR = 2099
INDEX_FIRST_DAY = date(INDEX_FIRST_YEAR, 1, 1)
INDEX_LAST_DAY = date(INDEX_LAST_YEAR, 12, 31)
# Any constant: it only has to be the same for every refresher.
_REFRESH_LOCK_KEY = 0x55A1_0D1E


class OutsideIndexError(ValueError):
    """A date outside the indexed years; the message is translated."""

    def __init__(self) -> None:
        super().__init__(
            _("期限只能落在 %(first)d 年至 %(last)d 年之间。")
            % {"first": INDEX_FIRST_YEAR, "last": INDEX_LAST_YEAR}
        )


_DIGESTS_SQL = """
SELECT year, md5(string_agg(item, ',' ORDER BY item)) FROM (
    SELECT extract(year FROM date)::int AS year, date::text || ':' || kind AS item
    FROM publication_calendarday WHERE date BETWEEN %(first)s AND %(last)s
    UNION ALL
    SELECT year, 'status:' || status FROM publication_calendaryear
    WHERE year BETWEEN %(first_year)s AND %(last_year)s
) items GROUP BY year
"""

# Rebuilds the rows from %(start)s to the end of the index, carrying the running counts of the
# day before. Only rows that change are written.
_NUMBERED = f"""
WITH flags AS (
    SELECT d::date AS day,
           CASE cd.kind
               WHEN '{CalendarDayKind.MAKEUP_WORKDAY.value}' THEN true
               WHEN '{CalendarDayKind.HOLIDAY.value}' THEN false
               ELSE extract(isodow FROM d) < 6
           END AS is_working,
           COALESCE(cy.status = '{CalendarYearStatus.OFFICIAL.value}', false) AS official
    FROM generate_series(%(start)s::date, %(last)s::date, interval '1 day') AS d
    LEFT JOIN publication_calendarday cd ON cd.date = d::date
    LEFT JOIN publication_calendaryear cy ON cy.year = extract(year FROM d)::int
), numbered AS (
    SELECT day, is_working,
           %(ordinal_base)s + sum(is_working::int) OVER (ORDER BY day) AS working_ordinal,
           %(fallback_base)s + sum((NOT official)::int) OVER (ORDER BY day) AS fallback_days
    FROM flags
)
"""
# Rebuilds the rows from %(start)s to the end of the index, carrying the running counts of the
# day before: an UPDATE of the rows that change (a hash join, not a conflict check per row) and an
# INSERT of any that are missing.
_REBUILD_SQL = (
    _NUMBERED
    + """, updated AS (
    UPDATE publication_calendarworkday w SET
        is_working = n.is_working,
        working_ordinal = n.working_ordinal,
        fallback_days = n.fallback_days
    FROM numbered n
    WHERE w.day = n.day
      AND (w.is_working, w.working_ordinal, w.fallback_days)
          IS DISTINCT FROM (n.is_working, n.working_ordinal, n.fallback_days)
    RETURNING w.day
)
INSERT INTO publication_calendarworkday (day, is_working, working_ordinal, fallback_days)
SELECT n.day, n.is_working, n.working_ordinal, n.fallback_days FROM numbered n
WHERE NOT EXISTS (SELECT 1 FROM publication_calendarworkday w WHERE w.day = n.day)
"""
)


def _calendar_digests(cursor) -> dict[int, str]:
    cursor.execute(
        _DIGESTS_SQL,
        {
            "first": INDEX_FIRST_DAY,
            "last": INDEX_LAST_DAY,
            "first_year": INDEX_FIRST_YEAR,
            "last_year": INDEX_LAST_YEAR,
        },
    )
    return dict(cursor.fetchall())


def workday_index_refresh() -> int | None:
    """Bring the index up to date with the calendar, in the caller's transaction.

    Returns the first year rebuilt, or None when the index was current. Serialised by an
    advisory lock held until the transaction ends.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK_KEY])
        current = _calendar_digests(cursor)
        cursor.execute("SELECT year, digest FROM publication_calendarindexyear")
        built = dict(cursor.fetchall())
        years = range(INDEX_FIRST_YEAR, INDEX_LAST_YEAR + 1)
        changed = [year for year in years if built.get(year) != current.get(year, "")]
        if not changed:
            return None
        first_year = changed[0]
        start = date(first_year, 1, 1)
        ordinal_base = fallback_base = 0
        if first_year > INDEX_FIRST_YEAR:
            cursor.execute(
                "SELECT working_ordinal, fallback_days FROM publication_calendarworkday "
                "WHERE day = %s",
                [date(first_year - 1, 12, 31)],
            )
            row = cursor.fetchone()
            if row is None:  # never built: build everything
                first_year, start = INDEX_FIRST_YEAR, INDEX_FIRST_DAY
            else:
                ordinal_base, fallback_base = row
        cursor.execute(
            _REBUILD_SQL,
            {
                "start": start,
                "last": INDEX_LAST_DAY,
                "ordinal_base": ordinal_base,
                "fallback_base": fallback_base,
            },
        )
        cursor.execute(
            """
            INSERT INTO publication_calendarindexyear (year, digest, built_at)
            SELECT y, COALESCE(d.digest, ''), %s
            FROM generate_series(%s, %s) AS y
            LEFT JOIN unnest(%s::int[], %s::text[]) AS d(year, digest) ON d.year = y
            ON CONFLICT (year) DO UPDATE SET digest = EXCLUDED.digest, built_at = EXCLUDED.built_at
            """,
            [
                timezone.now(),
                first_year,
                INDEX_LAST_YEAR,
                list(current.keys()),
                list(current.values()),
            ],
        )
        return first_year


def workday_index_add(start: date, n: int) -> date:
    """`start` + n working days, read from the index (used by tests and the bench to compare
    with the Python calendar)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.day FROM publication_calendarworkday s
            JOIN publication_calendarworkday e
              ON e.is_working AND e.working_ordinal = s.working_ordinal + %s
            WHERE s.day = %s
            """,
            [n, start],
        )
        row = cursor.fetchone()
    if n == 0:
        return start
    if row is None:
        raise OutsideIndexError
    return row[0]


def workday_ordinal(day: date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT working_ordinal FROM publication_calendarworkday WHERE day = %s", [day]
        )
        row = cursor.fetchone()
    if row is None:
        raise OutsideIndexError
    return row[0]

"""The beat sweep of open deadlines: set-based, idempotent, catching up after downtime.

One UPDATE moves every open deadline to the state of today's date and, in the same statement,
claims those to notify now (a level not yet notified, or a repeat that is due), marking them
notified: a second sweep, or one running beside it, finds nothing to claim, so twice = notified
once. The claimed rows land in a temporary table; one grouped query turns them into digests (one
yellow and one red card per recipient and sweep: the responsible active users, or the
department's liaison when a deadline has none, with the count and the first items), another into
one escalation digest per department for the items newly overdue (to its admins and the office),
and the notices go to the inbox in one INSERT. Python only words the digests. The state follows
today's date, so after downtime every deadline lands in its current state and gets that state's
card once (an item that became overdue meanwhile gets the red card, not a stale yellow one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import NotificationSeverity
from accounts.inbox.services import NotificationDraft, notification_send_many
from publication.calendar import shanghai_today
from publication.deadlines.workdays import OutsideIndexError
from publication.models import DeadlineState

OPEN, DUE_SOON, OVERDUE = (
    DeadlineState.OPEN.value,
    DeadlineState.DUE_SOON.value,
    DeadlineState.OVERDUE.value,
)
DIGEST_LINES = 5

# new_state: today's. kept_level: the notified level once a level left is forgotten (a due date
# moved later), so it is notified again when the deadline returns to it. notify: a level above
# the kept one, or a repeat due every N working days. The outer WHERE repeats the old state and
# count, so a concurrent sweep that already changed a row (its lock released) skips it.
_SWEEP_SQL = f"""
WITH computed AS (
    SELECT d.id, d.state AS old_state, d.reminder_count AS old_count,
           CASE WHEN %(today)s::date > d.due_date THEN '{OVERDUE}'
                WHEN %(today)s::date >= d.due_soon_from THEN '{DUE_SOON}'
                ELSE '{OPEN}' END AS new_state,
           d.notified_level, d.escalated_at, d.last_notified_on,
           COALESCE(r.remind_every_working_days, 0) AS repeat_every,
           COALESCE(r.escalate_overdue, true) AS may_escalate
    FROM publication_deadline d
    LEFT JOIN publication_deadlinerule r ON r.kind = d.kind
    WHERE d.is_open AND (%(kinds)s::text[] IS NULL OR d.kind = ANY(%(kinds)s))
), levels AS (
    SELECT c.*,
           CASE c.new_state WHEN '{OVERDUE}' THEN 'red' WHEN '{DUE_SOON}' THEN 'yellow'
                ELSE '' END AS new_level,
           CASE WHEN c.new_state = '{OPEN}' THEN ''
                WHEN c.new_state = '{DUE_SOON}' AND c.notified_level = 'red' THEN 'yellow'
                ELSE c.notified_level END AS kept_level
    FROM computed c
), target AS (
    SELECT l.*,
           l.new_state <> '{OPEN}' AND (
               l.kept_level = ''
               OR (l.new_state = '{OVERDUE}' AND l.kept_level = 'yellow')
               OR (l.repeat_every > 0 AND l.last_notified_on IS NOT NULL
                   AND %(today_ordinal)s - (SELECT w.working_ordinal
                                            FROM publication_calendarworkday w
                                            WHERE w.day = l.last_notified_on)
                       >= l.repeat_every)
           ) AS notify
    FROM levels l
), changed AS (
    SELECT t.*, t.notify AND t.new_state = '{OVERDUE}' AND t.escalated_at IS NULL
                AND t.may_escalate AS escalate
    FROM target t
    WHERE t.notify OR t.new_state <> t.old_state OR t.kept_level <> t.notified_level
), updated AS (
UPDATE publication_deadline d SET
    state = c.new_state,
    notified_level = CASE WHEN c.notify THEN c.new_level ELSE c.kept_level END,
    last_notified_on = CASE WHEN c.notify THEN %(today)s::date ELSE d.last_notified_on END,
    reminder_count = d.reminder_count + c.notify::int,
    escalated_at = CASE WHEN c.new_state <> '{OVERDUE}' THEN NULL
                        WHEN c.escalate THEN %(now)s ELSE d.escalated_at END
FROM changed c
WHERE d.id = c.id AND d.state = c.old_state AND d.reminder_count = c.old_count
RETURNING d.id, c.notify, c.escalate, c.new_state <> c.old_state AS state_changed, d.kind,
          d.state, d.department_id, d.title, d.url, d.due_date, d.uses_fallback
)
INSERT INTO deadline_sweep_claims
SELECT id, notify, escalate, state_changed, kind, state, department_id, title, url, due_date,
       uses_fallback
FROM updated
"""


_CLAIMS_TABLE = """
CREATE TEMPORARY TABLE IF NOT EXISTS deadline_sweep_claims (
    id bigint, notify boolean, escalate boolean, state_changed boolean, kind text, state text,
    department_id bigint, title text, url text, due_date date, uses_fallback boolean
) ON COMMIT DELETE ROWS
"""

# One row per digest: a recipient (a responsible active user, or the department's liaison when a
# deadline has none) and a level, with the count and the first items, earliest due first.
_DIGESTS_SQL = f"""
WITH claimed AS (
    SELECT c.*, w.working_ordinal AS due_ordinal,
           CASE WHEN c.state = '{OVERDUE}' THEN 'red' ELSE 'yellow' END AS level
    FROM deadline_sweep_claims c
    LEFT JOIN publication_calendarworkday w ON w.day = c.due_date
    WHERE c.notify
), addressed AS (
    -- Each responsible active user, or the department's liaison when there is none.
    SELECT c.*,
           CASE WHEN p.user_id IS NULL THEN 'liaison' ELSE 'user' END AS how,
           COALESCE(p.user_id, c.department_id) AS ref
    FROM claimed c
    LEFT JOIN (
        SELECT r.deadline_id, r.user_id
        FROM publication_deadline_responsible r
        JOIN accounts_user u ON u.id = r.user_id AND u.is_active
    ) p ON p.deadline_id = c.id
), numbered AS (
    -- One sort: each digest's items, earliest due first; only the first few are listed.
    SELECT a.*, row_number() OVER (PARTITION BY how, ref, level ORDER BY due_date, id) AS rn
    FROM addressed a
)
SELECT how, ref, level, count(*),
       min(kind), max(kind), min(department_id), max(department_id),
       min(id) FILTER (WHERE rn = 1), min(url) FILTER (WHERE rn = 1),
       min(state) FILTER (WHERE rn = 1),
       array_agg(title ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(due_date ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(due_ordinal ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(uses_fallback ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(state ORDER BY rn) FILTER (WHERE rn <= %(lines)s)
FROM numbered
GROUP BY how, ref, level
"""

# One escalation digest per department: its newly overdue items.
_ESCALATIONS_SQL = """
WITH numbered AS (
    SELECT c.*, row_number() OVER (PARTITION BY department_id ORDER BY due_date, id) AS rn
    FROM deadline_sweep_claims c
    WHERE c.escalate
)
SELECT n.department_id, dep.code, COALESCE(NULLIF(dep.short_name, ''), dep.name), count(*),
       min(n.id) FILTER (WHERE rn = 1),
       array_agg(n.title ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(n.due_date ORDER BY rn) FILTER (WHERE rn <= %(lines)s),
       array_agg(n.uses_fallback ORDER BY rn) FILTER (WHERE rn <= %(lines)s)
FROM numbered n
JOIN accounts_department dep ON dep.id = n.department_id
GROUP BY n.department_id, dep.code, dep.short_name, dep.name
ORDER BY n.department_id
"""

_COUNTS_SQL = """
SELECT count(*) FILTER (WHERE state_changed), count(*) FILTER (WHERE notify),
       count(*) FILTER (WHERE escalate)
FROM deadline_sweep_claims
"""


@dataclass
class SweepReport:
    today: date
    states_changed: int = 0
    notified_deadlines: int = 0
    notifications: int = 0
    escalated: int = 0
    index_rebuilt_from: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "states_changed": self.states_changed,
            "notified_deadlines": self.notified_deadlines,
            "notifications": self.notifications,
            "escalated": self.escalated,
            "index_rebuilt_from": self.index_rebuilt_from,
        }


def _today_ordinal(cursor: CursorWrapper, today: date) -> int:
    cursor.execute(
        "SELECT working_ordinal FROM publication_calendarworkday WHERE day = %s", [today]
    )
    row = cursor.fetchone()
    if row is None:
        raise OutsideIndexError
    return int(row[0])


@transaction.atomic
def deadline_sweep(*, today: date | None = None, kinds: Iterable[str] | None = None) -> SweepReport:
    """Move every open deadline (or those of some kinds) to today's state and send the cards."""
    from publication.deadlines.services import deadline_rules_ensure, deadlines_calendar_sync

    today = today or shanghai_today()
    report = SweepReport(today=today)
    deadline_rules_ensure()
    report.index_rebuilt_from = deadlines_calendar_sync()
    with connection.cursor() as cursor:
        # The digests sort every claimed item once; enough memory keeps that sort off the disk
        # (for this transaction only).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        today_ordinal = _today_ordinal(cursor, today)
        cursor.execute(_CLAIMS_TABLE)
        cursor.execute("DELETE FROM deadline_sweep_claims")  # a sweep earlier in this transaction
        cursor.execute(
            _SWEEP_SQL,
            {
                "today": today,
                "today_ordinal": today_ordinal,
                "kinds": list(kinds) if kinds is not None else None,
                "now": timezone.now(),
            },
        )
        cursor.execute(_COUNTS_SQL)
        report.states_changed, report.notified_deadlines, report.escalated = cursor.fetchone()
        composer = _Composer(today, today_ordinal)
        drafts: list[NotificationDraft] = []
        if report.notified_deadlines:
            cursor.execute(_DIGESTS_SQL, {"lines": DIGEST_LINES})
            drafts += [composer.digest(row) for row in cursor.fetchall()]
        if report.escalated:
            cursor.execute(_ESCALATIONS_SQL, {"lines": DIGEST_LINES})
            drafts += [composer.escalation(row) for row in cursor.fetchall()]
    report.notifications = len(notification_send_many(drafts=drafts))
    if report.states_changed or report.notified_deadlines:
        record_event(actor=None, action="deadline.sweep", details=report.as_dict())
    return report


class _Composer:
    """Turns the digest rows into notices; every translated text is looked up once."""

    def __init__(self, today: date, today_ordinal: int):
        self.today = today
        self.today_ordinal = today_ordinal
        self.list_base = reverse("publication:deadline_list")
        self.urls: dict[tuple[tuple[str, str], ...], str] = {}
        self.one_red = _("已逾期：%(title)s")
        self.one_yellow = _("临近期限：%(title)s")
        self.many_red = _("%(count)d 项期限已逾期")
        self.many_yellow = _("%(count)d 项期限临近")
        self.line_red = _("· %(title)s（截止日 %(due)s，已逾期）")
        self.line_yellow = _("· %(title)s（截止日 %(due)s，还剩 %(left)d 个工作日）")
        self.more = _("……等共 %(count)d 项")
        self.fallback = _("（期间含无官方节假日安排的年份，按仅周末休息计算。）")
        self.escalation_title = _("%(department)s：%(count)d 项期限已逾期")

    def _url(self, **query: str) -> str:
        key = tuple(sorted(query.items()))
        url = self.urls.get(key)
        if url is None:
            url = self.urls[key] = f"{self.list_base}?{urlencode(query)}"
        return url

    def _body(
        self,
        count: int,
        titles: list[str],
        dues: list[date],
        fallbacks: list[bool],
        states: list[str] | None = None,
        ordinals: list[int | None] | None = None,
    ) -> str:
        lines = []
        for index, (title, due, fallback) in enumerate(zip(titles, dues, fallbacks, strict=True)):
            state = states[index] if states is not None else OVERDUE
            if state == OVERDUE:
                line = self.line_red % {"title": title, "due": due}
            else:
                ordinal = ordinals[index] if ordinals is not None else None
                left = max((ordinal or self.today_ordinal) - self.today_ordinal, 0)
                line = self.line_yellow % {"title": title, "due": due, "left": left}
            lines.append(line + self.fallback if fallback else line)
        if count > len(titles):
            lines.append(self.more % {"count": count})
        return "\n".join(lines)

    def digest(self, row: tuple[Any, ...]) -> NotificationDraft:
        (how, ref, level, count, min_kind, max_kind, min_department, max_department, first_id,
         first_url, first_state, titles, dues, ordinals, fallbacks, states) = row  # fmt: skip
        red = level == "red"
        if count == 1:
            title = (self.one_red if red else self.one_yellow) % {"title": titles[0]}
            url = first_url or self._url(state=first_state)
        else:
            title = (self.many_red if red else self.many_yellow) % {"count": count}
            url = self._url(state=OVERDUE if red else DUE_SOON)
        return NotificationDraft(
            kind=f"deadline.{min_kind}" if min_kind == max_kind else "deadline.digest",
            title=title,
            body=self._body(count, titles, dues, fallbacks, states, ordinals),
            url=url,
            severity=NotificationSeverity.RED if red else NotificationSeverity.YELLOW,
            department_id=min_department if min_department == max_department else None,
            user_ids=(ref,) if how == "user" else (),
            liaison_of=(ref,) if how == "liaison" else (),
            # Each deadline is claimed once (the sweep's UPDATE), so the day, the first item and
            # the count name a digest; the key only guards against sending one twice.
            dedupe_key=f"deadline:{level}:{how}:{ref}:{self.today.isoformat()}:{first_id}:{count}",
        )

    def escalation(self, row: tuple[Any, ...]) -> NotificationDraft:
        department_id, code, name, count, first_id, titles, dues, fallbacks = row
        return NotificationDraft(
            kind="deadline.escalation",
            title=self.escalation_title % {"department": name, "count": count},
            body=self._body(count, titles, dues, fallbacks),
            url=self._url(department=code, state=OVERDUE),
            severity=NotificationSeverity.RED,
            department_id=department_id,
            admins_of=(department_id,),
            office=True,
            dedupe_key=(
                f"deadline-escalation:{department_id}:{self.today.isoformat()}:{first_id}:{count}"
            ),
        )

"""The beat sweep of open deadlines: set-based, idempotent, catching up after downtime.

One UPDATE moves every open deadline to the state of today's date and, in the same statement,
claims those to notify now (a level not yet notified, or a repeat that is due), marking them
notified: a second sweep, or one running beside it, finds nothing to claim, so twice = notified
once. One query reads the claimed deadlines' active responsible users, and the notices go to the
inbox in one INSERT, as digests: one yellow and one red card per recipient and sweep, listing
their items (a single item reads as that item), plus one escalation digest per department for
the items newly overdue, to its admins and the office. The state follows today's date, so after
downtime every deadline lands in its current state and gets that state's card once (an item that
became overdue meanwhile gets the red card, not a stale yellow one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple
from urllib.parse import urlencode

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import NotificationSeverity
from accounts.inbox.services import NotificationDraft, notification_send_many
from accounts.models import Department
from publication.calendar import shanghai_today
from publication.deadlines.workdays import OutsideIndexError
from publication.models import DeadlineState

OPEN, DUE_SOON, OVERDUE = (
    DeadlineState.OPEN.value,
    DeadlineState.DUE_SOON.value,
    DeadlineState.OVERDUE.value,
)
DIGEST_LINES = 8

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
)
UPDATE publication_deadline d SET
    state = c.new_state,
    notified_level = CASE WHEN c.notify THEN c.new_level ELSE c.kept_level END,
    last_notified_on = CASE WHEN c.notify THEN %(today)s::date ELSE d.last_notified_on END,
    reminder_count = d.reminder_count + c.notify::int,
    escalated_at = CASE WHEN c.new_state <> '{OVERDUE}' THEN NULL
                        WHEN c.escalate THEN %(now)s ELSE d.escalated_at END
FROM changed c
WHERE d.id = c.id AND d.state = c.old_state AND d.reminder_count = c.old_count
RETURNING d.id, c.notify, c.escalate, c.new_state <> c.old_state, d.kind, d.state,
          d.department_id, d.title, d.url, d.due_date, d.uses_fallback
"""


class _Claimed(NamedTuple):
    id: int
    kind: str
    state: str
    department_id: int
    title: str
    url: str
    due_date: date
    uses_fallback: bool
    due_ordinal: int | None
    escalate: bool


@dataclass
class SweepReport:
    today: date
    states_changed: int = 0
    notified_deadlines: int = 0
    notifications: int = 0
    escalated: int = 0
    index_rebuilt_from: int | None = None
    escalated_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "states_changed": self.states_changed,
            "notified_deadlines": self.notified_deadlines,
            "notifications": self.notifications,
            "escalated": self.escalated,
            "index_rebuilt_from": self.index_rebuilt_from,
        }


def _today_ordinal(cursor, today: date) -> int:
    cursor.execute(
        "SELECT working_ordinal FROM publication_calendarworkday WHERE day = %s", [today]
    )
    row = cursor.fetchone()
    if row is None:
        raise OutsideIndexError
    return row[0]


@transaction.atomic
def deadline_sweep(*, today: date | None = None, kinds: Iterable[str] | None = None) -> SweepReport:
    """Move every open deadline (or those of some kinds) to today's state and send the cards."""
    from publication.deadlines.services import deadline_rules_ensure, deadlines_calendar_sync

    today = today or shanghai_today()
    report = SweepReport(today=today)
    deadline_rules_ensure()
    report.index_rebuilt_from = deadlines_calendar_sync()
    claimed: list[_Claimed] = []
    with connection.cursor() as cursor:
        today_ordinal = _today_ordinal(cursor, today)
        cursor.execute(
            _SWEEP_SQL,
            {
                "today": today,
                "today_ordinal": today_ordinal,
                "kinds": list(kinds) if kinds is not None else None,
                "now": timezone.now(),
            },
        )
        rows = cursor.fetchall()
        # The yellow card says how many working days are left: the due dates' ordinals.
        cursor.execute(
            "SELECT day, working_ordinal FROM publication_calendarworkday WHERE day = ANY(%s)",
            [sorted({row[9] for row in rows if row[1]})],
        )
        ordinals = dict(cursor.fetchall())
        for row in rows:
            pk, notify, escalate, state_changed, kind, state, department_id = row[:7]
            title, url, due, uses_fallback = row[7:]
            report.states_changed += state_changed
            if notify:
                claimed.append(
                    _Claimed(
                        id=pk,
                        kind=kind,
                        state=state,
                        department_id=department_id,
                        title=title,
                        url=url,
                        due_date=due,
                        uses_fallback=uses_fallback,
                        due_ordinal=ordinals.get(due),
                        escalate=escalate,
                    )
                )
        responsible: dict[int, list[int]] = defaultdict(list)
        if claimed:
            cursor.execute(
                """
                SELECT r.deadline_id, r.user_id
                FROM unnest(%s::bigint[]) AS claimed(id)
                JOIN publication_deadline_responsible r ON r.deadline_id = claimed.id
                JOIN accounts_user u ON u.id = r.user_id AND u.is_active
                """,
                [[item.id for item in claimed]],
            )
            for deadline_id, user_id in cursor.fetchall():
                responsible[deadline_id].append(user_id)
    report.notified_deadlines = len(claimed)
    report.escalated_ids = [item.id for item in claimed if item.escalate]
    report.escalated = len(report.escalated_ids)
    drafts = _Composer(today, today_ordinal).drafts(claimed, responsible)
    report.notifications = len(notification_send_many(drafts=drafts))
    if report.states_changed or report.notified_deadlines:
        record_event(actor=None, action="deadline.sweep", details=report.as_dict())
    return report


class _Composer:
    """Turns the claimed deadlines into digests; every translated text is looked up once."""

    def __init__(self, today: date, today_ordinal: int):
        self.today = today
        self.today_ordinal = today_ordinal
        self.list_base = reverse("publication:deadline_list")
        self.urls: dict[tuple, str] = {}
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

    def _line(self, item: _Claimed) -> str:
        if item.state == OVERDUE:
            line = self.line_red % {"title": item.title, "due": item.due_date}
        else:
            left = max((item.due_ordinal or self.today_ordinal) - self.today_ordinal, 0)
            line = self.line_yellow % {"title": item.title, "due": item.due_date, "left": left}
        return line + self.fallback if item.uses_fallback else line

    def _body(self, items: list[_Claimed]) -> str:
        lines = [self._line(item) for item in items[:DIGEST_LINES]]
        if len(items) > DIGEST_LINES:
            lines.append(self.more % {"count": len(items)})
        return "\n".join(lines)

    def _key(self, prefix: str, items: list[_Claimed]) -> str:
        # Each deadline is claimed once (the sweep's UPDATE), so the day, the first item and the
        # count name a digest; the key only guards against sending the same one twice.
        return f"{prefix}:{self.today.isoformat()}:{items[0].id}:{len(items)}"

    def drafts(
        self, claimed: list[_Claimed], responsible: dict[int, list[int]]
    ) -> list[NotificationDraft]:
        # (recipient user id or ("liaison", department id), level) -> items
        groups: dict[tuple, list[_Claimed]] = defaultdict(list)
        escalations: dict[int, list[_Claimed]] = defaultdict(list)
        # Sorted once (earliest due first): every digest below keeps this order.
        claimed = sorted(claimed, key=lambda item: (item.due_date, item.id))
        for item in claimed:
            level = "red" if item.state == OVERDUE else "yellow"
            people = responsible.get(item.id)
            if people:
                for user_id in people:
                    groups[(("user", user_id), level)].append(item)
            else:
                groups[(("liaison", item.department_id), level)].append(item)
            if item.escalate:
                escalations[item.department_id].append(item)
        drafts = [self._digest(who, level, items) for (who, level), items in groups.items()]
        if escalations:
            departments = Department.objects.in_bulk(list(escalations))
            for department_id, items in sorted(escalations.items()):
                drafts.append(
                    NotificationDraft(
                        kind="deadline.escalation",
                        title=self.escalation_title
                        % {
                            "department": departments[department_id].display_name,
                            "count": len(items),
                        },
                        body=self._body(items),
                        url=self._url(department=departments[department_id].code, state=OVERDUE),
                        severity=NotificationSeverity.RED,
                        department_id=department_id,
                        admins_of=(department_id,),
                        office=True,
                        dedupe_key=self._key(f"deadline-escalation:{department_id}", items),
                    )
                )
        return drafts

    def _digest(self, who: tuple, level: str, items: list[_Claimed]) -> NotificationDraft:
        red = level == "red"
        kinds = {item.kind for item in items}
        departments = {item.department_id for item in items}
        if len(items) == 1:
            item = items[0]
            title = (self.one_red if red else self.one_yellow) % {"title": item.title}
            url = item.url or self._url(state=item.state)
        else:
            title = (self.many_red if red else self.many_yellow) % {"count": len(items)}
            url = self._url(state=OVERDUE if red else DUE_SOON)
        how, ref = who
        return NotificationDraft(
            kind=f"deadline.{kinds.pop()}" if len(kinds) == 1 else "deadline.digest",
            title=title,
            body=self._body(items),
            url=url,
            severity=NotificationSeverity.RED if red else NotificationSeverity.YELLOW,
            department_id=departments.pop() if len(departments) == 1 else None,
            user_ids=(ref,) if how == "user" else (),
            liaison_of=(ref,) if how == "liaison" else (),
            dedupe_key=self._key(f"deadline:{level}:{how}:{ref}", items),
        )
